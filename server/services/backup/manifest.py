"""The backup's `manifest.json`: what the backup holds, every file's size and SHA-256, sealed by a checksum of its own.

`verify_backup` is the gate every restore passes first: the manifest's seal, then each file it lists (present, the
same size, the same SHA-256), and no file it does not list. Anything else is refused with a message that names the
file at fault, before anything is written anywhere.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.services.errors import ServiceError
from server.storage import BLOCK_SIZE, InvalidKey, check_key

FORMAT = "fieldaudit-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SEAL_FIELD = "manifest_sha256"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
"""The database file of each kind of backup (the SQLite file itself; `pg_dump --format=custom`)."""
PHOTO_FOLDER = "photos"
PHOTO_MODES = ("copy", "manifest")
"""copy: the photo bytes are in the backup; manifest: only their keys and hashes (the bytes stay in the bucket)."""
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
"""A manifest larger than this is refused unread (about a million photos fit in a fraction of it)."""
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REVISION = re.compile(r"[0-9A-Za-z_]{1,64}")


class BackupRefused(ServiceError):
    """A backup that cannot be restored as it is (corrupted, incomplete, of another kind), or a folder that cannot
    take one; `field` names the file or option at fault."""


@dataclass(frozen=True)
class FileEntry:
    """One file of the backup, by its path relative to the backup folder."""

    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class PhotoObject:
    """One stored object a photo row of the snapshot names: an original (its hash from the database) or a rendition."""

    key: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "size": self.size, "sha256": self.sha256}


@dataclass
class Manifest:
    """What `manifest.json` says, parsed and checked for shape (not yet against the files: `verify_backup`)."""

    fieldaudit_version: str
    schema_revision: str
    created_at: str
    database_kind: str
    counts: dict[str, int]
    photo_mode: str
    photos: list[PhotoObject] = field(default_factory=list)
    missing_photos: list[str] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    database_schema: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def database_file(self) -> str:
        """The database file's path in the backup folder."""
        return DATABASE_FILES[self.database_kind]

    def as_json(self) -> dict[str, Any]:
        """The manifest as a JSON document, without its seal."""
        database: dict[str, Any] = {"kind": self.database_kind, "file": self.database_file}
        if self.database_schema is not None:
            database["schema"] = self.database_schema
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "fieldaudit_version": self.fieldaudit_version,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "database": database,
            "counts": dict(self.counts),
            "photos": {
                "mode": self.photo_mode,
                "objects": [photo.as_json() for photo in self.photos],
                "missing": list(self.missing_photos),
            },
            "files": [entry.as_json() for entry in self.files],
        }


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """The one byte form a document is sealed in: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its own checksum added (the SHA-256 of its canonical bytes without the seal)."""
    body = {key: value for key, value in document.items() if key != SEAL_FIELD}
    return {**body, SEAL_FIELD: hashlib.sha256(canonical_bytes(body)).hexdigest()}


def file_digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while block := stream.read(BLOCK_SIZE):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write the sealed manifest into the backup folder (last, so a backup without one is known to be incomplete)."""
    path = folder / MANIFEST_NAME
    temporary = path.with_name(MANIFEST_NAME + ".tmp")
    temporary.write_text(json.dumps(seal(manifest.as_json()), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    temporary.replace(path)
    return path


def read_manifest(folder: Path) -> Manifest:
    """The backup's manifest, its seal checked and its shape validated; BackupRefused naming what is wrong."""
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise BackupRefused("backup", f"{folder} is not a folder.")
    if not path.is_file():
        raise BackupRefused(MANIFEST_NAME, f"missing: {folder} is not a complete backup (no {MANIFEST_NAME}).")
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise BackupRefused(MANIFEST_NAME, f"larger than {MAX_MANIFEST_BYTES} bytes: not a Fieldaudit manifest.")
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BackupRefused(MANIFEST_NAME, f"not valid JSON ({exc}): the manifest is corrupted.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupRefused(MANIFEST_NAME, "not a Fieldaudit backup manifest.")
    if document.get(SEAL_FIELD) != seal(document)[SEAL_FIELD]:
        raise BackupRefused(
            MANIFEST_NAME, "its checksum does not match its content: the manifest was edited or damaged."
        )
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            MANIFEST_NAME,
            f"format version {document.get('format_version')!r}; this Fieldaudit reads version {FORMAT_VERSION}.",
        )
    try:
        return _parse(document)
    except (KeyError, TypeError, ValueError, InvalidKey) as exc:
        raise BackupRefused(MANIFEST_NAME, f"malformed ({exc}).") from None


def _parse(document: dict[str, Any]) -> Manifest:
    database, photos = document["database"], document["photos"]
    kind = database["kind"]
    if kind not in DATABASE_FILES:
        raise ValueError(f"unknown database kind {kind!r}")
    if photos["mode"] not in PHOTO_MODES:
        raise ValueError(f"unknown photo mode {photos['mode']!r}")
    if not _REVISION.fullmatch(str(document["schema_revision"])):
        raise ValueError("schema_revision is not an Alembic revision")
    schema = database.get("schema")
    if schema is not None and (not isinstance(schema, str) or not 0 < len(schema) <= 63):
        raise ValueError("database schema is not a schema name")
    counts = {str(name): _count(value) for name, value in dict(document["counts"]).items()}
    return Manifest(
        fieldaudit_version=str(document["fieldaudit_version"]),
        schema_revision=str(document["schema_revision"]),
        created_at=str(document["created_at"]),
        database_kind=kind,
        database_schema=schema,
        counts=counts,
        photo_mode=photos["mode"],
        photos=[PhotoObject(check_key(p["key"]), _count(p["size"]), _hash(p["sha256"])) for p in photos["objects"]],
        missing_photos=[check_key(key) for key in photos["missing"]],
        files=[FileEntry(_relative(f["path"]), _count(f["size"]), _hash(f["sha256"])) for f in document["files"]],
    )


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


def _hash(value: Any) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValueError(f"not a SHA-256: {value!r}")
    return value


def _relative(path: Any) -> str:
    """A path the backup may hold: the database file, or `photos/<photo key>`; anything else could climb out."""
    if path in DATABASE_FILES.values():
        return path
    if isinstance(path, str) and path.startswith(PHOTO_FOLDER + "/"):
        check_key(path[len(PHOTO_FOLDER) + 1 :])
        return path
    raise ValueError(f"not a file a backup holds: {path!r}")


def photo_path(key: str) -> str:
    """Where a photo object's copy lives in the backup folder, relative to it."""
    return f"{PHOTO_FOLDER}/{check_key(key)}"


def verify_backup(folder: Path) -> Manifest:
    """The manifest, once every file it lists is present with its size and SHA-256 and nothing else is there."""
    manifest = read_manifest(folder)
    listed = {entry.path: entry for entry in manifest.files}
    if manifest.database_file not in listed:
        raise BackupRefused(MANIFEST_NAME, f"lists no {manifest.database_file}: the backup is incomplete.")
    if manifest.photo_mode == "copy":
        for photo in manifest.photos:
            entry = listed.get(photo_path(photo.key))
            if entry is None or entry.sha256 != photo.sha256 or entry.size != photo.size:
                raise BackupRefused(MANIFEST_NAME, f"photo {photo.key} has no matching file entry.")
    for entry in manifest.files:
        path = folder / entry.path
        if not path.is_file():
            raise BackupRefused(entry.path, "missing: the backup is incomplete.")
        size, digest = file_digest(path)
        if size != entry.size:
            raise BackupRefused(entry.path, f"{size} bytes, the manifest says {entry.size}: the file is damaged.")
        if digest != entry.sha256:
            raise BackupRefused(entry.path, "its SHA-256 does not match the manifest: the file is corrupted.")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative != MANIFEST_NAME and relative not in listed:
            raise BackupRefused(relative, "not listed in the manifest: this folder is not the backup it describes.")
    return manifest
