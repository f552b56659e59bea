"""`restore_backup`: every checksum first, then the refusals (another kind of database, a newer schema, a database
that holds data), and only then the writes: the database, the photos through the storage interface, the upgrade.

Nothing is written before every check has passed, so a corrupted or incomplete backup, or a restore that would
replace data without `force`, leaves the target exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from server.services.backup import database_snapshot as snapshots
from server.services.backup import postgres
from server.services.backup.manifest import BackupRefused, Manifest, photo_path, verify_backup
from server.storage import PhotoStorage

DATA_TABLES = ("users", "regions", "branches", "templates", "visits", "photos")
"""Tables whose rows make a database one that holds data (a new schema has none)."""
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class RestoreReport:
    """What was restored: the counts read back from the restored database, photos written, warnings."""

    manifest: Manifest
    counts: dict[str, int]
    photos_written: int
    photos_present: int
    upgraded_from: str | None = None
    replaced: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the CLI prints."""
        m = self.manifest
        counts = ", ".join(f"{value} {name}" for name, value in self.counts.items())
        lines = [f"Restored the {KIND_NAMES[m.database_kind]} backup of {m.created_at}: {counts}."]
        if self.replaced:
            lines.append(f"Replaced the data that was there: {_describe(self.replaced)}.")
        if m.photo_mode == "copy":
            lines.append(f"Photo objects written to the photo storage: {self.photos_written}.")
        else:
            lines.append(f"Photo objects checked present in the photo storage: {self.photos_present}.")
        if self.upgraded_from:
            lines.append(f"Upgraded the schema from revision {self.upgraded_from} to the newest.")
        lines += [f"warning: {line}" for line in self.warnings]
        return lines


def restore_backup(
    engine: Engine,
    storage: PhotoStorage,
    folder: Path,
    *,
    heads: set[str],
    known_revision: Callable[[str], bool],
    upgrade: Callable[[], None],
    force: bool = False,
) -> RestoreReport:
    """Restore the backup in `folder` into the database behind `engine` and into `storage`.

    `heads` are this code's newest schema revisions, `known_revision(rev)` says whether the code has a migration
    from `rev`, and `upgrade()` brings the restored database to `heads` (the Alembic upgrade).
    """
    manifest = verify_backup(folder)
    kind = snapshots.database_kind(engine)
    existing = _check_target(engine, kind, manifest, heads, known_revision, force)
    engine.dispose()
    _restore_database(engine, folder / manifest.database_file, kind)
    engine.dispose()
    report = RestoreReport(manifest, {}, 0, 0, replaced={k: v for k, v in existing.items() if v} if force else {})
    _restore_photos(storage, folder, manifest, report)
    if manifest.schema_revision not in heads:
        upgrade()
        engine.dispose()
        report.upgraded_from = manifest.schema_revision
    with engine.connect() as connection:
        report.counts = snapshots.read_contents(connection).counts
    if report.counts != manifest.counts:
        report.warnings.append(f"the manifest counted {_describe(manifest.counts)}")
    return report


def _check_target(
    engine: Engine, kind: str, manifest: Manifest, heads: set[str], known_revision: Callable[[str], bool], force: bool
) -> dict[str, int]:
    """Refuse another kind of database, a newer schema, another PostgreSQL schema, or data without `force`; the rows
    per data table the target holds."""
    if manifest.database_kind != kind:
        raise BackupRefused(
            "backup",
            f"this is a {KIND_NAMES[manifest.database_kind]} backup and the configured database is "
            f"{KIND_NAMES[kind]}: restore it into a {KIND_NAMES[manifest.database_kind]} database.",
        )
    if not known_revision(manifest.schema_revision):
        raise BackupRefused(
            "backup",
            f"its schema revision {manifest.schema_revision} is unknown to this Fieldaudit (newest: "
            f"{', '.join(sorted(heads))}): restore it with Fieldaudit {manifest.fieldaudit_version} or newer.",
        )
    if kind == "postgresql":
        _check_schema(engine, manifest)
    existing = data_in(engine)
    if any(existing.values()) and not force:
        raise BackupRefused(
            "database",
            f"it already holds data ({_describe(existing)}); the restore would replace all of it. "
            "Restore into an empty database, or give --force to replace it.",
        )
    return existing


def data_in(engine: Engine) -> dict[str, int]:
    """Rows per data table in the target database (tables it does not have count nothing)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        return {
            name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
            for name in DATA_TABLES
            if name in tables
        }


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {name}" for name, value in counts.items() if value) or "nothing"


def _check_schema(engine: Engine, manifest: Manifest) -> None:
    """A PostgreSQL dump goes back into the schema it came from: the target URL's search_path must name it."""
    with engine.connect() as connection:
        schema = postgres.current_schema(connection)
    if schema != manifest.database_schema:
        raise BackupRefused(
            "FIELDAUDIT_DATABASE_URL",
            f"the backup holds schema {manifest.database_schema!r} and this database URL uses schema {schema!r}: "
            f"restore into a database whose search_path is {manifest.database_schema!r} "
            "(for example a new database, with options=-csearch_path=... in the URL).",
        )


def _restore_database(engine: Engine, dump: Path, kind: str) -> None:
    if kind == "postgresql":
        postgres.restore_dump(engine.url, dump)
        return
    target = snapshots.sqlite_path(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = snapshots.read_only(dump)
    try:
        destination = sqlite3.connect(target, timeout=30)
        try:
            source.backup(destination)  # one step, through SQLite itself: a -wal beside the target stays consistent
            destination.execute("PRAGMA journal_mode=WAL")
        finally:
            destination.close()
    finally:
        source.close()


def _restore_photos(storage: PhotoStorage, folder: Path, manifest: Manifest, report: RestoreReport) -> None:
    """Copies go into the storage through write_chunk + finalise; listed objects are checked to be there."""
    for key in manifest.missing_photos:
        report.warnings.append(f"photo object {key} was already gone when the backup was made")
    for photo in manifest.photos:
        if manifest.photo_mode == "manifest":
            if storage.exists(photo.key):
                report.photos_present += 1
            else:
                report.warnings.append(f"photo object {photo.key} is listed in the backup but not in the storage")
            continue
        with open(folder / photo_path(photo.key), "rb") as stream, storage.lock(photo.key):
            storage.discard_partial(photo.key)
            storage.write_chunk(photo.key, stream, 0)
            storage.finalise(photo.key)
        report.photos_written += 1
