"""Files only the server's own user may read: the instance folder (0700), the secret key, the SQLite database and
its -wal/-shm files, photos (0600). Modes are set explicitly, whatever the umask; `fieldaudit` also sets umask 077.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from sqlalchemy.engine import make_url

FOLDER_MODE = 0o700
FILE_MODE = 0o600
DATABASE_MODES = 0o640
"""The widest a database file may stay: an operator may give a backup group read access, nothing more."""
PRIVATE_UMASK = 0o077
_BINARY = getattr(os, "O_BINARY", 0)


def private_folder(path: str | os.PathLike) -> Path:
    """Create `path` (and missing parents) as 0700; tighten it to 0700 if it exists with wider rights."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            pass
    _tighten(path, FOLDER_MODE)
    return path


def _tighten(path: Path, allowed: int) -> None:
    """Take away every right on `path` outside `allowed` (a database may stay 0640 for a backup group)."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & ~allowed:
            path.chmod(mode & allowed)
    except FileNotFoundError:
        pass
    except PermissionError:  # someone else's file: leave it, the operator chose it
        pass


def write_private_file(path: str | os.PathLike, content: bytes) -> None:
    """Write `content` to a new or truncated file that is 0600 from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, FILE_MODE)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    _tighten(Path(path), FILE_MODE)


def secret_key_in(instance_path: str | os.PathLike) -> str:
    """The key in `<instance>/secret_key`, created once, 0600, atomically: processes racing at start agree.

    The key is written to a private temporary file, then linked to its name (link fails if the name exists,
    so exactly one writer wins and nobody ever reads a half-written key); the losers read the winner's key.
    """
    folder = private_folder(instance_path)
    key_file = folder / "secret_key"
    existing = _read_key(key_file)
    if existing is not None:
        return existing
    key = secrets.token_hex(32)
    temporary = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
    try:
        os.write(fd, key.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, key_file)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: exclusive create, and readers wait for the content
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
        except FileExistsError:
            pass
        else:
            try:
                os.write(fd, key.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
    finally:
        temporary.unlink(missing_ok=True)
    for _ in range(100):
        existing = _read_key(key_file)
        if existing is not None:
            return existing
        time.sleep(0.01)
    raise RuntimeError(f"{key_file} exists but holds no key: delete it and start again")


def _read_key(key_file: Path) -> str | None:
    """The key in `key_file` (tightened to 0600 if it was wider), None if there is no file or it is empty."""
    try:
        key = key_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    _tighten(key_file, FILE_MODE)
    return key or None


def sqlite_file(database_uri: str) -> Path | None:
    """The file of a SQLite database URI, None for other databases and in-memory SQLite."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(url.database)


def private_sqlite_database(database_uri: str) -> None:
    """Create the SQLite file 0600 before SQLite does (its -wal and -shm files copy the database's mode).

    An existing database, and its -wal/-shm files, lose every right beyond 0640.
    """
    path = sqlite_file(database_uri)
    if path is None or not path.parent.is_dir():
        return  # SQLite itself says the folder is missing
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE))
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        _tighten(file, DATABASE_MODES)


def set_private_umask() -> int:
    """umask 077 for the whole process (gunicorn's workers inherit it): whatever else is written stays private."""
    return os.umask(PRIVATE_UMASK)
