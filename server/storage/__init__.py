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
    "check_storage",
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
    "s3": lambda app: _s3_storage(app),
}
FILE_BACKENDS: dict[str, Callable[[Flask], FileStore]] = {
    "filesystem": lambda app: FilesystemFiles(app.config["FILE_STORAGE_PATH"]),
    "s3": lambda app: _s3_files(app),
}


def _s3_storage(app: Flask) -> PhotoStorage:
    """Photos in the configured bucket (boto3 imported only when S3 is chosen)."""
    from server.storage.s3 import S3Storage, bucket_for, locks_for

    bucket = bucket_for(app.extensions, app.config)
    return S3Storage(bucket, locks_for(bucket.settings))


def _s3_files(app: Flask) -> FileStore:
    """Generated files in the same bucket as the photos, through the same client."""
    from server.storage.s3 import S3Files, bucket_for

    return S3Files(bucket_for(app.extensions, app.config))


def check_storage(app: Flask) -> str | None:
    """Why the app's photo storage cannot be used now (an S3 bucket that does not answer), or None when it can."""
    from server.storage.s3 import S3Bucket

    bucket = app.extensions.get("s3_bucket")
    if not isinstance(bucket, S3Bucket):
        return None
    try:
        bucket.check()
    except RuntimeError as exc:
        return str(exc)
    return None


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
