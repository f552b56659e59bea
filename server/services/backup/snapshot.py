"""`take_backup`: the database first, then the photos that snapshot references, then the sealed manifest.

Final photos never change, so copying them after the database snapshot is consistent: each copy is checked against
the SHA-256 the snapshot holds. A photo the retention clean-up deleted in between is listed as missing (a warning,
not a failure). With photos in a bucket (`manifest` mode) each object is checked to exist and listed with its hash;
the bytes stay in the bucket. The manifest is written last: a folder without one is an incomplete backup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy.engine import Engine

from server.private_files import FILE_MODE
from server.services.backup import database_snapshot as snapshots
from server.services.backup.database_snapshot import PhotoRow, SnapshotContents
from server.services.backup.manifest import (
    DATABASE_FILES,
    PHOTO_MODES,
    BackupRefused,
    FileEntry,
    Manifest,
    PhotoObject,
    file_digest,
    photo_path,
    write_manifest,
)
from server.storage import BLOCK_SIZE, NotStored, PhotoStorage

_BINARY = getattr(os, "O_BINARY", 0)


@dataclass
class BackupReport:
    """The backup that was written: its manifest, and the photos missing from storage (warnings)."""

    folder: Path
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the CLI prints."""
        m = self.manifest
        counts = ", ".join(f"{value} {name}" for name, value in m.counts.items())
        verb = "copied" if m.photo_mode == "copy" else "listed (bytes stay in the bucket)"
        return [
            f"Backed up the {m.database_kind} database at schema revision {m.schema_revision}: {counts}.",
            f"Photo objects {verb}: {len(m.photos)}.",
            *(f"warning: {line}" for line in self.warnings),
            f"Backup written to {self.folder} ({len(m.files)} file(s), manifest.json sealed).",
        ]


def default_photo_mode(storage_name: str) -> str:
    """copy for photos on disk, manifest for a bucket (whose own versioning or replication keeps the bytes)."""
    return "copy" if storage_name == "filesystem" else "manifest"


def fieldaudit_version() -> str:
    """The installed Fieldaudit version (the source tree's when not installed)."""
    try:
        return version("fieldaudit")
    except PackageNotFoundError:
        return "unknown"


def take_backup(engine: Engine, storage: PhotoStorage, folder: Path, photo_mode: str) -> BackupReport:
    """Write a backup of the database behind `engine` and the photos in `storage` into the new folder `folder`."""
    created = _prepare_folder(folder)
    try:
        return _write_backup(engine, storage, folder, photo_mode)
    except BaseException:
        _remove_partial_backup(folder, created)
        raise


def _write_backup(engine: Engine, storage: PhotoStorage, folder: Path, photo_mode: str) -> BackupReport:
    if photo_mode not in PHOTO_MODES:
        raise BackupRefused("photos", f"must be one of {', '.join(PHOTO_MODES)}, not {photo_mode!r}.")
    kind = snapshots.database_kind(engine)
    database_file = folder / DATABASE_FILES[kind]
    contents: SnapshotContents
    if kind == "sqlite":
        snapshots.copy_sqlite(snapshots.sqlite_path(engine), database_file)
        os.chmod(database_file, FILE_MODE)
        contents = snapshots.sqlite_contents(database_file)
    else:
        contents = snapshots.dump_postgres(engine, database_file)
    objects, missing = _photo_objects(storage, contents.photos, folder, photo_mode)
    files = [FileEntry(DATABASE_FILES[kind], *file_digest(database_file))]
    if photo_mode == "copy":
        files += [FileEntry(photo_path(found.key), found.size, found.sha256) for found in objects]
    manifest = Manifest(
        fieldaudit_version=fieldaudit_version(),
        schema_revision=contents.schema_revision,
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        database_kind=kind,
        database_schema=contents.schema,
        counts=contents.counts,
        photo_mode=photo_mode,
        photos=objects,
        missing_photos=missing,
        files=files,
    )
    write_manifest(folder, manifest)
    warnings = [f"photo object {key} is no longer stored (deleted after the snapshot?)" for key in missing]
    return BackupReport(folder, manifest, warnings)


def _photo_objects(
    storage: PhotoStorage, rows: list[PhotoRow], folder: Path, photo_mode: str
) -> tuple[list[PhotoObject], list[str]]:
    """Each object the rows name, copied (or listed) and checked against the snapshot's hash; and the missing keys."""
    objects, missing = [], []
    for row in rows:
        for key, expected in ((row.key, row.sha256), *((name, None) for name in row.renditions)):
            found = _copy_object(storage, key, folder) if photo_mode == "copy" else _list_object(storage, key, row)
            if found is None:
                missing.append(key)
            elif expected is not None and found.sha256 != expected:
                raise BackupRefused(key, "the stored photo's SHA-256 differs from the database's: storage is damaged.")
            else:
                objects.append(found)
    return objects, missing


def _copy_object(storage: PhotoStorage, key: str, folder: Path) -> PhotoObject | None:
    """Stream the object into `photos/<key>` through the storage interface; None if it is not stored."""
    try:
        source = storage.open(key)
    except NotStored:
        return None
    target = folder / photo_path(key)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.sha256(), 0
    with source, os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE), "wb") as out:
        while block := source.read(BLOCK_SIZE):
            out.write(block)
            digest.update(block)
            size += len(block)
        out.flush()
        os.fsync(out.fileno())
    return PhotoObject(key, size, digest.hexdigest())


def _list_object(storage: PhotoStorage, key: str, row: PhotoRow) -> PhotoObject | None:
    """An original's key, size and hash from the snapshot once it is known to exist; a rendition's hashed as read."""
    if key == row.key:
        return PhotoObject(key, row.size, row.sha256) if storage.exists(key) else None
    try:
        source = storage.open(key)
    except NotStored:
        return None
    digest, size = hashlib.sha256(), 0
    with source:
        while block := source.read(BLOCK_SIZE):
            digest.update(block)
            size += len(block)
    return PhotoObject(key, size, digest.hexdigest())


def _prepare_folder(folder: Path) -> bool:
    """Refuse a folder that holds anything (a backup is never written over files); True if it was made here."""
    if folder.exists():
        if not folder.is_dir():
            raise BackupRefused("DIR", f"{folder} exists and is not a folder.")
        if any(folder.iterdir()):
            raise BackupRefused("DIR", f"{folder} is not empty: a backup goes into a new or empty folder.")
        return False
    folder.mkdir(parents=True, mode=0o700)
    return True


def _remove_partial_backup(folder: Path, created: bool) -> None:
    """Remove what a failed backup wrote (the folder was new or empty, so nothing else is in it)."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
