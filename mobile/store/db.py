"""The phone's SQLite connection: one connection behind one lock, explicit transactions, WAL (FULL sync on demand)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import StoreError

Migration = Callable[[sqlite3.Connection], None]


class Database:
    """The store file shared by UI and sync threads: one lock serialises short transactions (FULL sync when durable)."""

    def __init__(self, path: Path | str, migrations: Sequence[Migration]) -> None:
        self.path = Path(path)
        created = not self.path.exists()
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.row_factory = sqlite3.Row
        if created:
            os.chmod(self.path, 0o600)  # the file holds bearer tokens
        try:
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "busy_timeout=10000"):
                self._conn.execute(f"PRAGMA {pragma}")
            migrate(self, migrations)
        except BaseException:
            self._conn.close()
            raise

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on any exception); nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            if durable:
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0
                if durable:
                    self._conn.execute("PRAGMA synchronous=NORMAL")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """All rows of one read (a consistent snapshot)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of one read, or None."""
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def pragma(self, name: str) -> Any:
        """The value of a PRAGMA (tests and diagnostics)."""
        with self._lock:
            return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        """Close the connection (checkpointing the WAL); the object is unusable afterwards."""
        with self._lock:
            self._conn.close()


def migrate(db: Database, migrations: Sequence[Migration]) -> None:
    """Bring the file to the newest schema: PRAGMA user_version counts the migrations already applied."""
    version = db.pragma("user_version")
    if version > len(migrations):
        raise StoreError(
            f"this store was written by a newer version of the app (schema {version}, "
            f"this app knows {len(migrations)}); update the app"
        )
    for number in range(version, len(migrations)):
        with db.transaction(durable=True) as conn:
            migrations[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
