"""Outgoing e-mail and the links it carries: the mail outbox, and the single-use invitation and reset tokens.

A message is a row first (added in the transaction of the change that causes it, so a rolled-back change sends
nothing); the delivery job (services/mail/delivery.py) sends it and records how that went. See docs/email.md.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow


class MailStatus(enum.StrEnum):
    """queued (waiting for its next attempt) -> sent | failed; "send again" puts a failed one back in the queue."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MailMessage(Model):
    """One e-mail to send: its recipients, subject and both bodies as rendered when it was queued."""

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[str] = mapped_column(String(2000))
    """Addresses separated by ", " (each already checked)."""
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    """What it is ("invitation", "password_reset", ...), for the admin page and tests."""
    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus, "mail_status"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    """When a worker may try it (again); a claim moves it forward, so a worker that dies mid-send is retried then."""
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TokenPurpose(enum.StrEnum):
    """What a password link is for: joining (set a first password) or resetting a forgotten one."""

    INVITATION = "invitation"
    RESET = "reset"


class PasswordToken(Model):
    """A link that lets its holder set a user's password once, until it expires; only its SHA-256 is stored.

    Spent (`used_at`) when used, when a newer link of the same purpose is made, and when the password changes."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "password_token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
