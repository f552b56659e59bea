"""Strict marshmallow fields for JSON documents: no type coercion, bounded sizes, messages that read as sentences."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields

from .exact import NUMBER_LIMIT, is_number, number_text
from .text import UncleanText, clean_text

_COMMON: dict[str, Any] = {"required": "is required", "null": "must not be null", "validator_failed": "is not valid"}
SLUG = re.compile(r"[a-z0-9_]{1,64}\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:\d{2})?\Z")


def _clean(value: str) -> str:
    """shared.text's rule for typed text (control and bidi override characters refused, CRLF as LF)."""
    try:
        return clean_text(value)
    except UncleanText as exc:
        raise ValidationError(exc.reason) from None


class _Field(fields.Field[Any]):
    """Base with sentence-style messages for missing and null values."""

    default_error_messages = _COMMON


class Text(_Field):
    """A string of bounded length, optionally matching a pattern (anchored with \\Z) described by ``what``."""

    def __init__(
        self,
        *,
        max_length: int,
        min_length: int = 0,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_length, self.min_length, self.pattern, self.what = max_length, min_length, pattern, what

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"must be {self.what or 'a string'}")
        if len(value) > self.max_length:
            raise ValidationError(f"must be at most {self.max_length:,} characters")
        if len(value) < self.min_length:
            raise ValidationError(
                "must not be empty" if self.min_length == 1 else f"must be at least {self.min_length} characters"
            )
        if self.pattern is not None and not self.pattern.match(value):
            raise ValidationError(f"must be {self.what}")
        return _clean(value)


def Slug(**kwargs: Any) -> Text:
    """A key: 1 to 64 lowercase letters, digits or underscores."""
    return Text(max_length=64, pattern=SLUG, what="1 to 64 lowercase letters, digits or underscores", **kwargs)


class OneOf(Text):
    """A string from a fixed list; the message lists the choices, never echoes the input."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        self.choices = tuple(choices)
        super().__init__(max_length=64, what="one of: " + ", ".join(self.choices), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationError(f"must be {self.what}")
        return value


class Bool(_Field):
    """JSON true or false only (no "yes", 1 or "on")."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class Number(_Field):
    """A finite JSON number (int or float, never bool or numeric string), bounded, kept exactly as given."""

    def __init__(
        self,
        *,
        low: float = -NUMBER_LIMIT,
        high: float = NUMBER_LIMIT,
        integer: bool = False,
        what: str | None = None,
        what_covers_high: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.low, self.high, self.integer, self.explicit = low, high, integer, what is not None
        self.what_covers_high = what_covers_high
        self.what = what or ("a whole number" if integer else "a number")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int | float:
        if not is_number(value) or (self.integer and not isinstance(value, int)):
            raise ValidationError(f"must be {self.what}")
        if value < self.low:
            raise ValidationError(
                f"must be {self.what}" if self.explicit else f"must be at least {number_text(self.low)}"
            )
        if value > self.high:
            raise ValidationError(
                f"must be {self.what}" if self.what_covers_high else f"must be at most {number_text(self.high)}"
            )
        number: int | float = value
        return number


class Scalar(_Field):
    """Any JSON scalar but null: a bounded string, a finite number or a boolean."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | int | float | bool:
        if isinstance(value, str):
            if len(value) > self.max_length:
                raise ValidationError(f"must be at most {self.max_length:,} characters")
            return _clean(value)
        if isinstance(value, bool) or is_number(value):
            scalar: bool | int | float = value
            return scalar
        if isinstance(value, (int, float)):
            raise ValidationError(f"must be a finite number between -{NUMBER_LIMIT:,} and {NUMBER_LIMIT:,}")
        raise ValidationError("must be a string, a number or true/false")


class List(fields.List[Any]):
    """A JSON list with bounded length, checked before its items are read."""

    default_error_messages = {**_COMMON, "invalid": "must be a list"}

    def __init__(
        self, inner: fields.Field[Any], *, noun: str, min_items: int = 0, max_items: int, **kwargs: Any
    ) -> None:
        super().__init__(inner, **kwargs)
        self.noun, self.min_items, self.max_items = noun, min_items, max_items

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise self.make_error("invalid")
        if len(value) > self.max_items:
            raise ValidationError(f"must have at most {self.max_items:,} {self.noun}s")
        if len(value) < self.min_items:
            raise ValidationError(
                f"must not be empty (at least one {self.noun})"
                if self.min_items == 1
                else f"must have at least {self.min_items} {self.noun}s"
            )
        return super()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[Any] | None:
        return None if value is None else super()._serialize(list(value), attr, obj, **kwargs)


class Obj(fields.Nested):
    """A nested JSON object loaded through a schema."""

    default_error_messages = {**_COMMON, "type": "must be an object"}


class Labels(_Field):
    """Scale labels: an object whose keys are whole numbers ("1") and values short strings; loads as sorted pairs."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> tuple[tuple[int, str], ...]:
        if not isinstance(value, dict):
            raise ValidationError('must be an object like {"1": "Poor", "5": "Great"}')
        if len(value) > 101:
            raise ValidationError("must have at most 101 labels")
        pairs = []
        for key, label in value.items():
            if not isinstance(key, str) or not re.fullmatch(r"0|-?[1-9][0-9]{0,5}", key):
                raise ValidationError('must have whole-number keys written plainly, like "1"')
            if not isinstance(label, str) or len(label) > 200:
                raise ValidationError("must have text values of at most 200 characters")
            pairs.append((int(key), _clean(label)))
        return tuple(sorted(pairs))

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> dict[str, str] | None:
        return None if value is None else {str(k): v for k, v in value}


class Uuid(_Field):
    """A UUID in its usual 36-character text form; loads as uuid.UUID, dumps lowercase."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> uuid.UUID:
        if not isinstance(value, str) or not _UUID.match(value):
            raise ValidationError("must be a UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
        return uuid.UUID(value)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class UtcDateTime(_Field):
    """An ISO 8601 date-time with a time zone (naive ones are rejected); loads in UTC, dumps with "Z"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not _DATETIME.match(value):
            raise ValidationError("must be a date-time like 2026-11-20T09:14:03Z")
        if value[-1] in "Zz":
            value = value[:-1] + "+00:00"
        elif not re.search(r"[+-]\d{2}:\d{2}\Z", value):
            raise ValidationError("must include a time zone (Z or an offset like +01:00)")
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except (ValueError, OverflowError):
            raise ValidationError("must be a real date and time") from None

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
