"""The phone app's gettext catalogues: extract the texts, merge them into every language, compile, check.

Run:  .venv/bin/python scripts/translations.py update    # sources -> mobile/locale/fieldaudit.pot -> each .po -> .mo
      .venv/bin/python scripts/translations.py check     # what tests/mobile/test_translations.py asserts
      .venv/bin/python scripts/translations.py add pl    # start a new language (then translate its .po and update)

Texts are found in the Python files of mobile/ (``_``, ``ngettext``, ``count_text``) and in the kv files (the same
calls in rule values). A translator edits ``mobile/locale/<language>/LC_MESSAGES/fieldaudit.po``; ``update`` keeps
their work, marks changed texts fuzzy and compiles the ``.mo`` files the app reads.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "mobile"
LOCALE = SOURCES / "locale"
TEMPLATE = LOCALE / "fieldaudit.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "count_text": (2, 3)}
SKIP = {"locale", "build", ".buildozer", "__pycache__"}
KV_CALL = re.compile(r"\b(?:_|ngettext|count_text)\(")


def _kv_as_python(text: str) -> bytes:
    """A kv file as Python the extractor can read: each rule value that calls a translation function, on its line."""
    lines = []
    for line in text.splitlines():
        _name, colon, value = line.partition(":")
        lines.append(value.strip() if colon and KV_CALL.search(value) else "")
    return "\n".join(lines).encode("utf-8")


def extracted() -> Iterator[tuple[str, int, str | tuple[str, str], str]]:
    """(file, line, message, context) for every translatable text, in a stable order."""
    for path in sorted(SOURCES.rglob("*")):
        if SKIP & set(path.relative_to(SOURCES).parts) or path.suffix not in (".py", ".kv"):
            continue
        source = path.read_text(encoding="utf-8")
        data = _kv_as_python(source) if path.suffix == ".kv" else source.encode("utf-8")
        for line, message, _comments, context in extract("python", io.BytesIO(data), keywords=KEYWORDS):
            yield str(path.relative_to(ROOT)), line, message, context or ""


def template() -> Catalog:
    """The catalogue of every text the app shows (English), with where each is used."""
    catalog = Catalog(project="Fieldaudit phone app", charset="utf-8", fuzzy=False)
    for file_name, line, message, context in extracted():
        catalog.add(message, locations=[(file_name, line)], context=context or None)
    return catalog


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/fieldaudit.po"))


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "fieldaudit.po"


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False, include_previous=True)


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalogue (fuzzy translations left out, as gettext would)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Extract, merge into every language (keeping translations; changed ones become fuzzy) and compile."""
    pot = template()
    if TEMPLATE.exists():  # the same date as long as the template exists: an update changes only what changed
        pot.creation_date = read(TEMPLATE).creation_date
    write(pot, TEMPLATE)
    for language in languages():
        catalog = read(po_path(language), language)
        catalog.update(pot, update_header_comment=False)
        catalog.obsolete.clear()
        write(catalog, po_path(language))
        po_path(language).with_suffix(".mo").write_bytes(compiled(catalog))
        print(f"{language}: {untranslated(catalog) or 'every text translated'}")


def untranslated(catalog: Catalog) -> list[str]:
    """The texts of a language still missing or fuzzy."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def problems() -> list[str]:
    """What is out of date: the template against the sources, each language against the template and its .mo."""
    found = []
    pot = template()
    wanted = {(m.id, m.context) for m in pot if m.id}
    if not TEMPLATE.exists() or wanted != {(m.id, m.context) for m in read(TEMPLATE) if m.id}:
        found.append("mobile/locale/fieldaudit.pot is out of date: run scripts/translations.py update")
    for language in languages():
        catalog = read(po_path(language), language)
        have = {(m.id, m.context) for m in catalog if m.id}
        if wanted - have:
            found.append(f"{language}: {len(wanted - have)} texts not in its .po: run scripts/translations.py update")
        for text in untranslated(catalog):
            found.append(f"{language}: not translated (or fuzzy): {text!r}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            found.append(f"{language}: {mo.relative_to(ROOT)} is not compiled from its .po: run update")
    return found


def add(language: str) -> None:
    """Start a catalogue for a new language from the template."""
    if po_path(language).exists():
        raise SystemExit(f"{language} already exists: {po_path(language)}")
    catalog = Catalog(locale=language, project="Fieldaudit phone app", charset="utf-8", fuzzy=False)
    catalog.update(template())
    write(catalog, po_path(language))
    print(f"wrote {po_path(language).relative_to(ROOT)}: translate it, then run update")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "check", "add"])
    parser.add_argument("language", nargs="?")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "add":
        if not args.language:
            parser.error("add needs a language code, e.g. pl")
        add(args.language)
    else:
        found = problems()
        print("\n".join(found) or "translations are up to date")
        sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
