"""The organisation's settings as key/value rows; their names, types and defaults live in services.settings_registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.types import UTCDateTime, utcnow


class OrganisationSetting(Model):
    """One setting an admin changed; a setting without a row has its registered default."""

    __tablename__ = "organisation_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
