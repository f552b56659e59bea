"""Photo files in the store's private folder: stored at capture as they are sent (photo_encoding), hashed, typed."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from shared.checklist import PhotoSettings
from shared.photo_types import PHOTO_TYPES, sniff_photo_type
from shared.visit_schema import MAX_PHOTO_BYTES

from .errors import StoreError
from .photo_encoding import encode_photo

DEFAULT_SETTINGS = PhotoSettings()

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


def copy_photo(
    source: Path | str, folder: Path, photo_id: str, settings: PhotoSettings = DEFAULT_SETTINGS
) -> StoredFile:
    """Store a captured image in ``folder`` as ``<photo_id>.<ext>`` as it will be sent (photo_encoding), hashed and
    fsynced before use; the source is only read. StoreError (and nothing left behind) for a file that is no photo."""
    source = Path(source)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{photo_id}.part"
    try:
        with open(source, "rb") as src:
            if sniff_content_type(src.read(64)) is None:
                raise StoreError(f"{source.name} is not a JPEG, PNG, WebP or HEIC image")
        content_type = encode_photo(source, partial, settings)
        size = partial.stat().st_size
        if size > MAX_PHOTO_BYTES:
            raise StoreError(f"{source.name} is larger than {MAX_PHOTO_BYTES} bytes")
        with open(partial, "rb+") as stored:
            os.fsync(stored.fileno())
        digest = file_sha256(partial)
        name = photo_id + PHOTO_TYPES[content_type][1]
        os.replace(partial, folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredFile(name, digest, size, content_type)


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
