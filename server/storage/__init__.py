"""Photo storage behind a small interface (docs/architecture.md, Scale path), chosen by `PHOTO_STORAGE` and attached to the app."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from server.storage.base import (
    BLOCK_SIZE,
    RENDITIONS,
    InvalidKey,
    NotStored,
    OffsetMismatch,
    PhotoStorage,
    StorageBusy,
    StorageError,
    check_key,
    photo_key,
    rendition_key,
)
from server.storage.files import FileStore, FilesystemFiles, InvalidFileName, check_file_name, file_name
from server.storage.filesystem import FilesystemStorage

__all__ = [
    "BLOCK_SIZE",
    "FileStore",
    "FilesystemFiles",
    "InvalidFileName",
    "RENDITIONS",
    "FilesystemStorage",
    "InvalidKey",
    "NotStored",
    "OffsetMismatch",
    "PhotoStorage",
    "StorageBusy",
    "StorageError",
    "check_file_name",
    "check_key",
    "current_files",
    "current_storage",
    "file_name",
    "init_app",
    "photo_key",
    "rendition_key",
]

EXTENSION_KEY = "photo_storage"
FILES_EXTENSION_KEY = "file_storage"

BACKENDS: dict[str, Callable[[Flask], PhotoStorage]] = {
    "filesystem": lambda app: FilesystemStorage(app.config["PHOTO_STORAGE_PATH"]),
    # "s3": lambda app: S3Storage(bucket=app.config["PHOTO_S3_BUCKET"], ...)  -- see base.py for the mapping
}
FILE_BACKENDS: dict[str, Callable[[Flask], FileStore]] = {
    "filesystem": lambda app: FilesystemFiles(app.config["FILE_STORAGE_PATH"]),
}


def init_app(app: Flask) -> None:
    """Build the configured photo storage and generated-file store (`PHOTO_STORAGE`, default "filesystem")."""
    name = app.config.get("PHOTO_STORAGE") or "filesystem"
    if name not in BACKENDS:
        raise RuntimeError(f"PHOTO_STORAGE must be one of {sorted(BACKENDS)}, got {name!r}")
    app.extensions[EXTENSION_KEY] = BACKENDS[name](app)
    app.extensions[FILES_EXTENSION_KEY] = FILE_BACKENDS[name](app)


def current_storage() -> PhotoStorage:
    """The storage of the app handling the current request or command."""
    return current_app.extensions[EXTENSION_KEY]


def current_files() -> FileStore:
    """The generated-file store (job results) of the app handling the current request or command."""
    return current_app.extensions[FILES_EXTENSION_KEY]
