"""The phone app's one translation function: every text a shopper reads goes through ``_`` or ``ngettext``.

Catalogues are gettext ``.mo`` files in ``mobile/locale/<language>/LC_MESSAGES/fieldaudit.mo`` (English is the
source text and needs none). ``use_language`` picks one before the kv files load; kv files import the same
functions (``#:import _ mobile.app.i18n._``).
"""

from __future__ import annotations

import gettext
import locale
import os
from pathlib import Path

DOMAIN = "fieldaudit"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE_LANGUAGE = "en"

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pl": "Polski",
    "fr": "Français",
    "de": "Deutsch",
    "pt": "Português",
}
"""Each language in its own words, as the Settings screen offers it."""

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def available_languages() -> list[str]:
    """English and every language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return [SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE)]


def use_language(code: str | None) -> str:
    """Translate from now on into ``code`` ("es", "pl_PL"...) if a catalogue exists, else English; returns the one used."""
    global _translation, _language
    wanted = (code or "").replace("-", "_").split(".")[0]
    for candidate in (wanted, wanted.split("_")[0]):
        if candidate and candidate != SOURCE_LANGUAGE and candidate in available_languages():
            with (LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as catalogue:
                _translation = gettext.GNUTranslations(catalogue)
            _language = candidate
            return candidate
    _translation, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def current_language() -> str:
    """The language texts are translated into now."""
    return _language


def device_language() -> str | None:
    """The language the shopper asked for: ``FIELDAUDIT_LANGUAGE``, else the phone's or desktop's locale."""
    chosen = os.environ.get("FIELDAUDIT_LANGUAGE")
    if chosen:
        return chosen
    try:
        from jnius import autoclass  # type: ignore[import-not-found]  # only on Android

        return str(autoclass("java.util.Locale").getDefault().toString())
    except Exception:  # noqa: BLE001 - not on Android
        pass
    return locale.getlocale(locale.LC_MESSAGES)[0] or os.environ.get("LANG")


def _(message: str) -> str:
    """``message`` in the current language (the English text itself when there is no translation; "" stays "",
    where gettext would answer with the catalogue's header)."""
    return _translation.gettext(message) if message else message


def N_(message: str) -> str:
    """Mark a text for translation where it is defined (a module constant) and translate it with ``_`` where shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` in the current language (its own plural rules, e.g. Polish's three)."""
    return _translation.ngettext(singular, plural, count)


def count_text(count: int, singular: str, plural: str) -> str:
    """``ngettext`` with ``{n}`` filled in: count_text(1, "{n} visit", "{n} visits") -> "1 visit"."""
    return ngettext(singular, plural, count).format(n=count)
