"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, types


def utcnow() -> datetime:
    """Aware UTC now: every timestamp we store is UTC."""
    return datetime.now(UTC)


class UTCDateTime(types.TypeDecorator):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL round-trip alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR + CHECK enum (no native PostgreSQL type, so migrations stay simple)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
