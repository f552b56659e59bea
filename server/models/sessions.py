"""Server-side web sessions: the cookie names a record here, so ending the record ends the cookie."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User


class SessionStage(str, enum.Enum):
    """How far a sign-in has got: only ACTIVE counts as signed in; the others open one page each."""

    SECOND_FACTOR = "second_factor"  # password right, authenticator code or recovery code still to come
    CHANGE_PASSWORD = "change_password"  # signed in with a temporary password: must choose a new one
    ENROL = "enrol"  # an admin without a second factor: must enrol one
    ACTIVE = "active"


class WebSession(Model):
    """One browser's sign-in: the cookie holds a random id, the table only its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage: Mapped[SessionStage] = mapped_column(str_enum(SessionStage, "session_stage"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    """The absolute end, however active the session is (rows a week past it are deleted)."""
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    failed_codes: Mapped[int] = mapped_column(default=0)
    """Wrong second-factor codes in this pending sign-in; too many end it."""
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()  # noqa: F821 - defined in accounts
