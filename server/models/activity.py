"""The activity log: who did what to which object, and when, for admins to read back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User


class Activity(Model):
    """One thing a person did: `action` on (`object_type`, `object_id`), described in `summary`."""

    __tablename__ = "activity_log"
    __table_args__ = (Index("ix_activity_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    """Sign-in events: the normalised email that was tried (also for emails nobody has)."""
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    actor: Mapped[User | None] = relationship()  # noqa: F821
