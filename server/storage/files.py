"""Generated files (job results: PDFs, exports) behind a small interface, beside the photos in the same backend.

A file is stored under a name `"<folder>/<uuid>/<file name>"` (`file_name`: a folder from FOLDERS, a canonical
UUID, a safe file name), so a name can never climb out of its storage. `save` streams a reader into the
store and makes the file appear whole or not at all: a writer killed midway leaves no half-written file
under the name (a temporary file, or an S3 multipart upload that is never completed).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from server.private_files import FILE_MODE, private_folder
from server.storage.base import BLOCK_SIZE, ByteReader, NotStored, StorageError

FOLDERS = ("jobs", "actions")
"""What generated files are for: `jobs` holds the results of queue jobs, `actions` corrective actions' evidence."""
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_NAME = re.compile(rf"(?:{'|'.join(FOLDERS)})/{_UUID}/[A-Za-z0-9][A-Za-z0-9._-]{{0,150}}")
_BINARY = getattr(os, "O_BINARY", 0)


class InvalidFileName(StorageError, ValueError):
    """A name that is not `<folder>/<uuid>/<safe name>`: refused before it can name a path."""


def file_name(folder: str, owner: uuid.UUID | str, name: str) -> str:
    """The storage name of a generated file, e.g. `file_name("jobs", job.id, "region-NORTH.pdf")`."""
    return check_file_name(f"{folder}/{uuid.UUID(str(owner))}/{name}")


def check_file_name(name: str) -> str:
    """The name itself if it is exactly `<folder>/<uuid>/<safe name>`, else InvalidFileName."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise InvalidFileName(f"not a file name: {name!r}")
    return name


@runtime_checkable
class FileStore(Protocol):
    """Where generated files live; every method takes a name made by `file_name` (others raise InvalidFileName)."""

    def save(self, name: str, stream: ByteReader) -> tuple[int, str]:
        """Stream `stream` (BLOCK_SIZE blocks) into the file `name`, replacing any earlier one, atomically and
        durably; (bytes written, SHA-256 hex). If reading the stream raises, nothing is stored under `name`."""

    def open(self, name: str) -> BinaryIO:
        """A binary reader over the file (NotStored when there is none); the caller closes it."""

    def size(self, name: str) -> int:
        """The file's size in bytes (NotStored when there is none)."""

    def exists(self, name: str) -> bool:
        """Whether the file exists."""

    def delete(self, name: str) -> None:
        """Remove the file; a missing file is not an error."""

    def names(self, folder: str) -> Iterator[tuple[str, datetime]]:
        """Every file under `folder` (one of FOLDERS) and when it was written (UTC), in no particular order."""

    def sweep(self, folder: str, before: datetime) -> int:
        """Remove what writers that died left under `folder` (temporary files, unfinished uploads) begun before
        `before`; how many pieces were removed."""


class FilesystemFiles:
    """The default FileStore: `<root>/<folder>/<uuid>/<name>`, written to a temporary file and renamed."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FilesystemFiles({str(self.root)!r})"

    def _path(self, name: str) -> Path:
        return self.root / check_file_name(name)

    def save(self, name: str, stream: ByteReader) -> tuple[int, str]:
        """Write `<name>.tmp-<random>`, fsync, rename over `<name>`: a killed writer leaves only a temporary file."""
        final = self._path(name)
        private_folder(final.parent)
        temporary = final.with_name(f"{final.name}.tmp-{uuid.uuid4().hex}")
        digest, written = hashlib.sha256(), 0
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
        try:
            while block := stream.read(BLOCK_SIZE):
                view = memoryview(block)
                while view:
                    view = view[os.write(fd, view) :]
                digest.update(block)
                written += len(block)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            temporary.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.replace(temporary, final)
        return written, digest.hexdigest()

    def open(self, name: str) -> BinaryIO:
        """The file, opened for reading."""
        try:
            return open(self._path(name), "rb")
        except FileNotFoundError:
            raise NotStored(f"no file {name}") from None

    def size(self, name: str) -> int:
        """The file's size."""
        try:
            return self._path(name).stat().st_size
        except FileNotFoundError:
            raise NotStored(f"no file {name}") from None

    def exists(self, name: str) -> bool:
        """Whether the file exists."""
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        """Delete the file and its folder when that is left empty."""
        path = self._path(name)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass

    def names(self, folder: str) -> Iterator[tuple[str, datetime]]:
        """Every finished file under `folder` (temporary files of writers that died are skipped)."""
        if folder not in FOLDERS:
            raise InvalidFileName(f"not a folder: {folder!r}")
        base = self.root / folder
        for path in base.glob("*/*") if base.is_dir() else ():
            name = f"{folder}/{path.parent.name}/{path.name}"
            if _NAME.fullmatch(name) and ".tmp-" not in path.name:
                yield name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def sweep(self, folder: str, before: datetime) -> int:
        """Delete temporary files (`*.tmp-*`) last written before `before`, and folders left empty."""
        if folder not in FOLDERS:
            raise InvalidFileName(f"not a folder: {folder!r}")
        base, removed = self.root / folder, 0
        for path in base.glob("*/*.tmp-*") if base.is_dir() else ():
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
                path.unlink(missing_ok=True)
                removed += 1
                try:
                    path.parent.rmdir()
                except OSError:
                    pass
        return removed
