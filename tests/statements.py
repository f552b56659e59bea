"""Count the SQL statements a block of code sends, so a test can pin a request's cost (an N+1 then fails)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine

SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "PRAGMA", "LOCK TABLE")
"""Bookkeeping, not queries: transaction markers and per-connection settings are left out of the count."""


@dataclass
class Statements:
    """The statements seen so far: `count` for assertions, `sql` to print when one fails."""

    sql: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sql)

    def __str__(self) -> str:
        return "\n".join(f"{n:3}: {text[:300]}" for n, text in enumerate(self.sql, 1))


@contextmanager
def count_statements(engine: Engine | None = None) -> Iterator[Statements]:
    """Record every statement sent on `engine` (default: the app's) inside the block."""
    if engine is None:
        from server.extensions import db

        engine = db.engine
    seen = Statements()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(SKIPPED):
            seen.sql.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
