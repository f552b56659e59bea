"""One-time codes an admin shows as a QR code so a shopper's phone signs in without typing a password."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User


class EnrolmentCode(Model):
    """A short-lived, single-use sign-in code for one shopper; only its SHA-256 is stored."""

    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When a phone signed in with it; set by one conditional UPDATE, so only one phone can."""
    device_name: Mapped[str | None] = mapped_column(String(120))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When a newer code for the same user made this one void."""

    user: Mapped[User] = relationship(foreign_keys=[user_id])
