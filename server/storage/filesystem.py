"""Photo storage in a local folder: `<root>/<visit uuid>/<photo uuid>`, partial uploads beside it as `.partial`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from server.private_files import FILE_MODE, private_folder
from server.storage.base import BLOCK_SIZE, ByteReader, InvalidKey, NotStored, OffsetMismatch, StorageBusy, check_key
from server.storage.locks import local_lock

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: a development server is one process, so an in-process lock is enough
    fcntl = None

_BINARY = getattr(os, "O_BINARY", 0)


def _write_all(fd: int, block: bytes) -> None:
    view = memoryview(block)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemStorage:
    """The default PhotoStorage: one file per photo under `root`, written in place, renamed when complete."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FilesystemStorage({str(self.root)!r})"

    def _path(self, key: str, suffix: str = "") -> Path:
        visit, photo = check_key(key).split("/")
        return self.root / visit / (photo + suffix)

    def path(self, key: str) -> Path:
        """Where the final file of `key` lives (for tools that need a real path)."""
        return self._path(key)

    def write_chunk(self, key: str, stream: ByteReader, offset: int) -> int:
        """Append `stream` at `offset` of the partial file in BLOCK_SIZE blocks; fsync; bytes written."""
        partial = self._path(key, ".partial")
        private_folder(partial.parent)  # root and visit folders 0700
        fd = os.open(partial, os.O_RDWR | os.O_CREAT | _BINARY, FILE_MODE)
        try:
            actual = os.fstat(fd).st_size
            if actual < offset:
                raise OffsetMismatch(key, offset, actual)
            os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
            written = 0
            try:
                while block := stream.read(BLOCK_SIZE):
                    _write_all(fd, block)
                    written += len(block)
                os.fsync(fd)
            except BaseException:
                os.ftruncate(fd, offset)
                raise
            return written
        finally:
            os.close(fd)

    def partial_size(self, key: str) -> int:
        """Bytes in the partial file, 0 if there is none."""
        try:
            return self._path(key, ".partial").stat().st_size
        except FileNotFoundError:
            return 0

    def open_partial(self, key: str) -> BinaryIO:
        """The partial file, opened for reading."""
        try:
            return open(self._path(key, ".partial"), "rb")
        except FileNotFoundError:
            raise NotStored(f"no partial data for {key}") from None

    def discard_partial(self, key: str) -> None:
        """Delete the partial file, if any."""
        self._path(key, ".partial").unlink(missing_ok=True)

    def finalise(self, key: str) -> None:
        """fsync the partial file, rename it over the final name (atomic), fsync the folder."""
        partial, final = self._path(key, ".partial"), self._path(key)
        try:
            fd = os.open(partial, os.O_RDONLY | _BINARY)
        except FileNotFoundError:
            raise NotStored(f"no partial data for {key}") from None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, final)
        _fsync_folder(final.parent)

    def open(self, key: str) -> BinaryIO:
        """The final file, opened for reading."""
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise NotStored(f"no photo stored under {key}") from None

    def exists(self, key: str) -> bool:
        """Whether the final file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Delete the final and partial files, and the visit's folder once it is empty."""
        final = self._path(key)
        final.unlink(missing_ok=True)
        self.discard_partial(key)
        try:
            final.parent.rmdir()
        except OSError:
            pass  # other photos (or none: already gone)

    def partials(self) -> Iterator[tuple[str, datetime]]:
        """Every `<visit>/<photo>[~rendition].partial` under the root with its modification time (UTC)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("*/*.partial"):
            key = f"{path.parent.name}/{path.name[: -len('.partial')]}"
            try:
                check_key(key)
                modified = path.stat().st_mtime
            except (InvalidKey, FileNotFoundError):
                continue  # not ours, or removed since the listing
            yield key, datetime.fromtimestamp(modified, UTC)

    def free_bytes(self) -> int | None:
        """Free bytes on the file system that holds the root (its nearest existing folder before the first photo)."""
        folder = self.root
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        return shutil.disk_usage(folder).free

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """An exclusive, non-blocking lock on `<photo>.lock` (flock: released by the OS if the process dies)."""
        path = self._path(key, ".lock")
        if fcntl is None:
            with local_lock(key):
                yield
            return
        private_folder(path.parent)
        fd = _acquire(path)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # while still holding it: the next one makes a fresh file
            os.close(fd)


def _acquire(path: Path) -> int:
    """Open and flock `path`; retry if the previous holder removed the file between our open and lock."""
    assert fcntl is not None  # called only where fcntl exists (the in-process lock serves elsewhere)
    for _ in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StorageBusy(f"{path.name} is locked by another upload") from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)
    raise StorageBusy(f"{path.name} keeps changing hands")
