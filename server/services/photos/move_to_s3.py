"""Moving a live instance's photos from disk into an S3 bucket, every copy read back and its SHA-256 checked.

Run while the server still serves from disk, then again after switching FIELDAUDIT_PHOTO_STORAGE=s3 (for
the photos that arrived in between). Idempotent: an object already in the bucket with the database's
hash (recorded as its `sha256` metadata when it was copied, or read back when it has none) is left as
it is; anything missing or different is copied again. A file on disk whose hash is not the database's
is never copied: it is reported, like a photo found nowhere, and the command ends non-zero.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Photo
from server.services.photos.renditions import ImageRefused, render_photo, store_renditions
from server.storage import BLOCK_SIZE, FilesystemStorage, NotStored, StorageBusy, rendition_key
from server.storage.s3 import SHA256_METADATA, ContentMismatch, S3Storage

BATCH = 500
"""Photos read from the database at a time."""
SHOWN_PROBLEMS = 50


@dataclass
class CopyReport:
    """What a run copied, found already there, made again, and could not do (one line per photo)."""

    copied: int = 0
    present: int = 0
    renditions_copied: int = 0
    renditions_present: int = 0
    renditions_made: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The counts, then the first SHOWN_PROBLEMS problems."""
        lines = [
            f"photos: {self.copied} copied and verified, {self.present} already in the bucket with the right hash",
            f"renditions: {self.renditions_copied} copied, {self.renditions_made} made again from the original, "
            f"{self.renditions_present} already in the bucket",
        ]
        lines += self.problems[:SHOWN_PROBLEMS]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"... and {len(self.problems) - SHOWN_PROBLEMS} more problems")
        return lines


def sha256_of(stream: Any) -> str:
    """The SHA-256 of a reader, a block at a time."""
    digest = hashlib.sha256()
    while block := stream.read(BLOCK_SIZE):
        digest.update(block)
    return digest.hexdigest()


def copy_photos_to_s3(
    session: DbSession, source: FilesystemStorage, target: S3Storage, *, max_pixels: int
) -> CopyReport:
    """Copy every complete, kept photo and its renditions from `source` to `target`, checking every hash."""
    report = CopyReport()
    last: uuid.UUID | None = None
    while True:
        query = select(Photo).where(
            Photo.completed_at.is_not(None), Photo.storage_key.is_not(None), Photo.removed_at.is_(None)
        )
        if last is not None:
            query = query.where(Photo.id > last)
        batch = session.scalars(query.order_by(Photo.id).limit(BATCH)).all()
        if not batch:
            return report
        for photo in batch:
            if _copy_original(source, target, photo, report):
                _copy_renditions(source, target, photo, report, max_pixels)
        last = batch[-1].id
        session.expunge_all()  # read only: keep the session's memory to one batch


def _copy_original(source: FilesystemStorage, target: S3Storage, photo: Photo, report: CopyReport) -> bool:
    """The original in the bucket with the database's hash (copied now or already there); False, reported, if not."""
    key = photo.storage_key
    assert key is not None  # selected for it
    head = target.head(key)
    if head is not None and int(head["ContentLength"]) == photo.size and _same_hash(target, key, head, photo.sha256):
        report.present += 1
        return True
    if not source.exists(key):
        where = "differs in the bucket" if head is not None else "is not in the bucket"
        report.problems.append(f"photo {photo.id}: missing on disk ({source.path(key)}) and {where}")
        return False
    try:
        with source.open(key) as data:
            target.store(key, data, photo.sha256)
    except ContentMismatch:
        report.problems.append(
            f"photo {photo.id}: the file on disk ({source.path(key)}) does not have the SHA-256 the database "
            "recorded at upload (corrupted); not copied"
        )
        return False
    if _read_back(target, key) != photo.sha256:
        report.problems.append(f"photo {photo.id}: the copy in the bucket reads back with another SHA-256")
        return False
    report.copied += 1
    return True


def _copy_renditions(
    source: FilesystemStorage, target: S3Storage, photo: Photo, report: CopyReport, max_pixels: int
) -> None:
    """Copy the recorded renditions from disk (hash checked); both made again from the original if one is lost."""
    assert photo.storage_key is not None
    names = [name for name, recorded in (("page", photo.page_key), ("thumb", photo.thumb_key)) if recorded]
    keys = {name: rendition_key(photo.storage_key, name) for name in names}  # none: made on the first view
    heads = {name: target.head(key) for name, key in keys.items()}
    if any(heads[name] is None and not source.exists(key) for name, key in keys.items()):
        _make_renditions(target, photo, report, max_pixels)
        return
    for name, key in keys.items():
        if not source.exists(key):
            report.renditions_present += 1  # made in the bucket after the switch
            continue
        with source.open(key) as data:
            expected = sha256_of(data)
        head = heads[name]
        if head is not None and head.get("Metadata", {}).get(SHA256_METADATA) == expected:
            report.renditions_present += 1
            continue
        try:
            with source.open(key) as data:
                target.store(key, data, expected)
        except ContentMismatch:
            report.problems.append(f"photo {photo.id}: its {name} rendition changed on disk while being copied")
            continue
        if _read_back(target, key) != expected:
            report.problems.append(
                f"photo {photo.id}: its {name} rendition reads back from the bucket with another hash"
            )
            continue
        report.renditions_copied += 1


def _make_renditions(target: S3Storage, photo: Photo, report: CopyReport, max_pixels: int) -> None:
    """Both renditions made again from the (verified) original in the bucket, as an upload makes them."""
    assert photo.storage_key is not None
    try:
        with target.open(photo.storage_key) as original:
            rendered = render_photo(original, photo.content_type, max_pixels)
    except ImageRefused as exc:
        report.problems.append(f"photo {photo.id}: its renditions could not be made again: {exc.message}")
        return
    except NotStored:
        report.problems.append(f"photo {photo.id}: the original went away from the bucket while being copied")
        return
    try:
        with target.lock(photo.storage_key):  # not beside an upload or a page making them at the same time
            store_renditions(target, photo.storage_key, rendered)
    except StorageBusy:
        report.problems.append(f"photo {photo.id}: busy (being rendered elsewhere); run the command again")
        return
    report.renditions_made += 2


def _same_hash(target: S3Storage, key: str, head: dict, sha256: str) -> bool:
    """Whether the object has this SHA-256: its metadata says so (set only once checked), or it reads back so."""
    return head.get("Metadata", {}).get(SHA256_METADATA) == sha256 or _read_back(target, key) == sha256


def _read_back(target: S3Storage, key: str) -> str | None:
    """The SHA-256 of the object as the bucket returns it now (None when there is none)."""
    try:
        with target.open(key) as data:
            return sha256_of(data)
    except NotStored:
        return None
