"""The database half of a backup: a consistent copy taken while the server writes, and what that copy holds.

SQLite: the online backup API, a bounded number of pages per step so the source is never held for long; a step
restarts the copy when another connection wrote meanwhile, so after MAX_RESTARTS restarts the rest is copied in one
step (in WAL mode a reader never blocks the writers, so even that step only delays checkpoints). PostgreSQL: a
REPEATABLE READ transaction exports its snapshot, `pg_dump --snapshot` dumps exactly that, and the photo list is
read in the same transaction: the photos copied are the ones the dump references.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

from server.services.backup import postgres
from server.services.backup.manifest import BackupRefused

STEP_PAGES = 1024
"""Pages copied per SQLite backup step (4 MiB at the default page size)."""
MAX_RESTARTS = 5
"""SQLite backup restarts (writes by the server between steps) before the rest is copied in one step."""
STEP_SLEEP_SECONDS = 0.01
"""How long a step waits when the source is busy or locked, before it tries again."""
COUNTED_TABLES = ("users", "visits", "photos")
_PHOTO_ROWS = text(
    "SELECT storage_key, sha256, size, page_key, thumb_key FROM photos "
    "WHERE completed_at IS NOT NULL AND storage_key IS NOT NULL AND removed_at IS NULL ORDER BY storage_key"
)


@dataclass(frozen=True)
class PhotoRow:
    """A complete photo the snapshot references: its key, hash and size, and its renditions' keys if made."""

    key: str
    sha256: str
    size: int
    renditions: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotContents:
    """What the snapshot holds: its schema revision, its row counts and the photos it references."""

    schema_revision: str
    counts: dict[str, int]
    photos: list[PhotoRow]
    schema: str | None = None


def database_kind(engine: Engine) -> str:
    """ "sqlite" or "postgresql"; any other engine is refused."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupRefused("database", f"backups support SQLite and PostgreSQL, not {name}.")
    return name


def sqlite_path(engine: Engine) -> Path:
    """The SQLite database file behind the engine (an in-memory database cannot be backed up or restored)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupRefused("database", "the SQLite database is not a plain file.")
    return Path(database)


def read_contents(connection: Connection, schema: str | None = None) -> SnapshotContents:
    """Revision, counts and referenced photos, read on `connection` (inside the snapshot's transaction)."""
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(revisions) != 1:
        raise BackupRefused("database", "the database has no Fieldaudit schema (run `fieldaudit init-db`).")
    counts = {
        name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()) for name in COUNTED_TABLES
    }
    photos = [
        PhotoRow(row.storage_key, row.sha256, int(row.size), tuple(key for key in (row.page_key, row.thumb_key) if key))
        for row in connection.execute(_PHOTO_ROWS)
    ]
    return SnapshotContents(str(revisions[0]), counts, photos, schema)


def copy_sqlite(source: Path, target: Path, step_pages: int = STEP_PAGES) -> int:
    """Copy the live SQLite database `source` into the new file `target` with the online backup API; the restarts."""
    if not source.is_file():
        raise BackupRefused("database", f"no SQLite database at {source}.")
    watch = _RestartWatch()
    with _connect(source) as src:
        for pages in (step_pages, -1):
            target.unlink(missing_ok=True)
            with _connect(target) as dst:
                try:
                    src.backup(dst, pages=pages, progress=watch, sleep=STEP_SLEEP_SECONDS)
                except _TooManyRestarts:
                    continue
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            break
    return watch.restarts


class _RestartWatch:
    """The backup's progress callback: counts restarts (the pages left went up) and stops after MAX_RESTARTS."""

    def __init__(self) -> None:
        self.restarts, self.last = 0, -1

    def __call__(self, status: int, remaining: int, total: int) -> None:
        if 0 <= self.last < remaining:
            self.restarts += 1
            if self.restarts > MAX_RESTARTS:
                self.last = -1
                raise _TooManyRestarts
        self.last = remaining


class _TooManyRestarts(Exception):
    """The server kept writing between steps: copy the rest in one step."""


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a SQLite file (a URI, so any character in the path is safe)."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def sqlite_contents(snapshot: Path) -> SnapshotContents:
    """What a SQLite snapshot file holds (read from the copy, so it is exactly what was copied)."""
    engine = create_engine("sqlite://", creator=lambda: read_only(snapshot))
    try:
        with engine.connect() as connection:
            return read_contents(connection)
    finally:
        engine.dispose()


def dump_postgres(engine: Engine, target: Path) -> SnapshotContents:
    """pg_dump the schema into `target` at one exported snapshot, and what that snapshot holds."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
        schema = postgres.current_schema(connection)
        postgres.dump_schema(engine.url, schema, snapshot, target)
        return read_contents(connection, schema)
