"""The organisation settings there are: one typed field each, with its label, help text and default.

Adding a setting is adding one field to `OrganisationSettings` with `setting(...)`: the store
(services.organisation_settings), the admin page, its validation and the activity log all read
this registry. A setting's value is a bool, an int, a text or one of fixed choices; rows in the
database hold only the settings an admin changed, so a new setting starts at its default.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints

from server.services.errors import ServiceError

KINDS = (bool, int, str)


class SettingError(ServiceError):
    """A value a setting cannot hold; `field` is the setting's key (the form field to mark)."""

    field: str

    def __init__(self, field: str, message: str):
        super().__init__(field, message)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class SettingSpec:
    """What one setting is: its key, type, default, words for the admin page, and the limits of its value."""

    key: str
    kind: type
    default: Any
    label: str
    help: str
    section: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200

    def check(self, value: Any) -> Any:
        """The value if this setting can hold it (stored JSON or parsed input), else SettingError."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise SettingError(self.key, "must be on or off.")
            return value
        if self.kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise SettingError(self.key, "must be a whole number.")
            if self.minimum is not None and value < self.minimum:
                raise SettingError(self.key, f"must be at least {self.minimum}.")
            if self.maximum is not None and value > self.maximum:
                raise SettingError(self.key, f"must be at most {self.maximum}.")
            return value
        if not isinstance(value, str):
            raise SettingError(self.key, "must be text.")
        if self.choices and value not in {key for key, _ in self.choices}:
            raise SettingError(self.key, "choose one of the listed options.")
        if len(value) > self.max_length:
            raise SettingError(self.key, f"must be at most {self.max_length} characters.")
        if any(unicodedata.category(c) in ("Cc", "Cs", "Cf") for c in value):
            raise SettingError(self.key, "must not contain control or formatting characters.")
        return value

    def from_form(self, raw: str | None) -> Any:
        """The value a web form sent (a checkbox sends "1" or nothing), checked; SettingError names the field."""
        if self.kind is bool:
            if raw not in (None, "", "1"):
                raise SettingError(self.key, "must be on or off.")
            return raw == "1"
        text = (raw or "").strip()
        if self.kind is str and not text and self.default:
            return self.default  # a text that must not be blank (the organisation's name): blank means the default
        if self.kind is int:
            if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
                raise SettingError(self.key, "must be a whole number.")
            return self.check(int(text))
        return self.check(text)

    @property
    def widget(self) -> str:
        """How the admin page asks for the value: "checkbox", "select", "number" or "text"."""
        if self.kind is bool:
            return "checkbox"
        if self.choices:
            return "select"
        return "number" if self.kind is int else "text"

    def shown(self, value: Any) -> str:
        """The value as the activity log and the page word it."""
        if self.kind is bool:
            return "on" if value else "off"
        return dict(self.choices).get(value, str(value))


def setting(default: Any, *, label: str, help: str, section: str, **limits: Any) -> Any:
    """Declare a field of OrganisationSettings: its default and what the admin page says about it."""
    return field(default=default, metadata={"setting": {"label": label, "help": help, "section": section, **limits}})


@dataclass(frozen=True)
class OrganisationSettings:
    """Every setting of the organisation, typed; an instance is what one request reads (services.organisation_settings)."""

    organisation_name: str = setting(
        "Fieldaudit",
        section="Organisation",
        label="Organisation name",
        help="Shown as the sender of every e-mail Fieldaudit sends (invitations, password resets) and in its footer; "
        "blank means the default.",
        max_length=120,
    )
    shopper_pseudonyms: bool = setting(
        True,
        section="Confidentiality",
        label="Show shoppers to managers as pseudonyms",
        help="Managers (the audited side) see each shopper only as a stable pseudonym such as “Shopper 4821”, "
        "on every page, in the CSV export and in every PDF. Admins always see names.",
    )
    show_score_preview: bool = setting(
        False,
        section="Phone app",
        label="Show the score preview to shoppers on the phone",
        help="Off for a mystery shop: a shopper should not know the score they are giving. When off, the phone "
        "shows neither the preview before submitting nor the score of sent visits.",
    )


def _specs() -> tuple[SettingSpec, ...]:
    hints = get_type_hints(OrganisationSettings)
    specs = []
    for item in fields(OrganisationSettings):
        if hints[item.name] not in KINDS:
            raise TypeError(f"setting {item.name}: a setting is a bool, an int or a str")
        specs.append(
            SettingSpec(key=item.name, kind=hints[item.name], default=item.default, **item.metadata["setting"])
        )
    return tuple(specs)


SETTINGS: tuple[SettingSpec, ...] = _specs()
"""Every setting, in page order."""

SETTINGS_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}

DEFAULTS = OrganisationSettings()
"""The settings of an organisation whose admins changed nothing (a fresh install, the demo)."""
