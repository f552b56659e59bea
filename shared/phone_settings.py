"""The organisation settings a phone app needs, as the server sends them in `phone_settings` of GET /api/v1/me.

The server decides them (the admin page "Organisation settings"); the phone keeps the last ones it was
sent for each account, so they hold offline. A phone that has not heard from its server yet, or an older
server that sends none, uses the defaults below: the strict ones of a mystery shop. A field added here is
added to the server's settings registry under the same name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, post_load

from .fields import Bool


@dataclass(frozen=True)
class PhoneSettings:
    """What the phone shows the shopper; every field is also an organisation setting on the server."""

    show_score_preview: bool = False
    """Whether the review screen previews the score, and the sent-visits screen shows the server's score."""


class PhoneSettingsSchema(Schema):
    """`phone_settings` on the wire: strict types; settings this app does not know yet are ignored."""

    class Meta:
        unknown = EXCLUDE

    show_score_preview = Bool(
        load_default=False,
        metadata={
            "type": "boolean",
            "description": "show shoppers the score preview and the score of sent visits (off for a mystery shop)",
        },
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> PhoneSettings:
        return PhoneSettings(**data)


def load_phone_settings(data: Any) -> PhoneSettings:
    """PhoneSettings from their JSON form (None: the defaults); marshmallow.ValidationError for a wrong type."""
    return PhoneSettings() if data is None else PhoneSettingsSchema().load(data)


def dump_phone_settings(settings: PhoneSettings) -> dict[str, Any]:
    """The JSON form of PhoneSettings (what the server sends and the phone stores)."""
    return asdict(settings)
