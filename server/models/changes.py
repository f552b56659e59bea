"""The change log the phone pulls from: one row per change to something a device may hold.

Why the cursor (`seq`) never skips a change, on every database we support:

- A pull serves rows with `seq > cursor` in `seq` order and moves the cursor to the last row
  it served. That is only safe if no row with a smaller `seq` can become visible later, that
  is, if `seq` order is commit order.
- SQLite has one writer at a time (the whole write transaction holds the lock), so rows are
  numbered and committed in the same order.
- PostgreSQL hands out sequence values to concurrent transactions that may commit in any
  order (T1 takes 11, T2 takes 12 and commits first: a pull in between would serve 12 and
  then never 11). So every transaction that writes change rows first takes
  `LOCK TABLE changes IN EXCLUSIVE MODE` (the `before_flush` hook below), right before its
  first change row is inserted, and holds it to commit or rollback. EXCLUSIVE conflicts
  with itself and with INSERT's ROW EXCLUSIVE but not with SELECT, so pulls never wait;
  change writers queue for the short tail of their transactions. A writer takes its
  sequence values only while holding the lock and releases it only after its commit is
  visible, so values are taken and committed in one order: a snapshot that sees 12 sees 11.
- Services therefore record changes as the last step before commit (`record_change`),
  keeping the locked window short, and write a visit or a review in one flush, so the lock
  comes before any row lock (a deadlock PostgreSQL would still detect is retried by the
  push). Rows are never deleted, so SQLite's rowid stays monotonic.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from server.extensions import DbSession, Model, db
from server.models.types import UTCDateTime, utcnow


class Change(Model):
    """`seq` is the sync cursor; the audience says who the row is for (services/sync/changes.py `record_change`).

    `audience_user_id`: that user alone (their visits and assignments, a tombstone for them);
    `audience_region_id`: whoever may hold things of that region (its managers, admins, and the
    shoppers who work at the branch named); neither: everyone who may hold it (published
    checklist versions only).
    """

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    audience_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    audience_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)


LOCK_CHANGES = text("LOCK TABLE changes IN EXCLUSIVE MODE")


@event.listens_for(Session, "before_flush")
def _serialise_change_writers(session: DbSession, flush_context, instances) -> None:
    """On PostgreSQL, take the changes lock before any change row gets its sequence value (see module docstring)."""
    if not any(isinstance(obj, Change) for obj in session.new):
        return
    lock_changes(session)


def lock_changes(session: DbSession) -> None:
    """Take the changes lock now on PostgreSQL (a no-op on SQLite); Core inserts of change rows call this first."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(LOCK_CHANGES)
