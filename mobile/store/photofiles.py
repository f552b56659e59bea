"""Photo files in the store's private folder: copied in at capture while hashing, typed by their magic bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from shared.photo_types import PHOTO_TYPES, sniff_photo_type
from shared.visit_schema import MAX_PHOTO_BYTES

from .errors import StoreError

COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """A photo file now owned by the store, with what its manifest entry needs."""

    file_name: str
    sha256: str
    size: int
    content_type: str


def sniff_content_type(head: bytes) -> str | None:
    """The image type the first bytes announce, exactly as the server checks them (shared.photo_types)."""
    return sniff_photo_type(head)


def copy_photo(source: Path | str, folder: Path, photo_id: str) -> StoredFile:
    """Copy a captured image into ``folder`` as ``<photo_id>.<ext>``, hashing as it streams; fsynced before use."""
    source = Path(source)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{photo_id}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with open(source, "rb") as src, open(partial, "wb") as dst:
            head = src.read(64)
            content_type = sniff_content_type(head)
            if content_type is None:
                raise StoreError(f"{source.name} is not a JPEG, PNG, WebP or HEIC image")
            chunk = head
            while chunk:
                digest.update(chunk)
                size += len(chunk)
                if size > MAX_PHOTO_BYTES:
                    raise StoreError(f"{source.name} is larger than {MAX_PHOTO_BYTES} bytes")
                dst.write(chunk)
                chunk = src.read(COPY_CHUNK)
            dst.flush()
            os.fsync(dst.fileno())
        name = photo_id + PHOTO_TYPES[content_type][1]
        os.replace(partial, folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredFile(name, digest.hexdigest(), size, content_type)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (never whole)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_range(path: Path, start: int, chunk_size: int) -> Generator[tuple[int, bytes], None, None]:
    """(offset, bytes) chunks of a file from ``start`` on, read lazily."""
    with open(path, "rb") as handle:
        handle.seek(start)
        offset = start
        while chunk := handle.read(chunk_size):
            yield offset, chunk
            offset += len(chunk)


def remove_orphans(folder: Path, keep: set[str]) -> int:
    """Delete files in ``folder`` that no photo row names (left by a crash between copy and insert); returns count."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
