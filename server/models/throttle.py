"""Failed sign-in counters, in the database so every worker process sees the same counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.types import UTCDateTime


class SignInCounter(Model):
    """Failures for one key of one kind ("pair": email and client address; "email": the email alone)."""

    __tablename__ = "sign_in_counters"
    __table_args__ = (UniqueConstraint("kind", "key_hash", name="uq_sign_in_counters_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the key, so hostile input never becomes a huge key and emails are not stored twice."""
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
