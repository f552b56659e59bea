"""The photo storage interface: what any backend (local files, an S3-compatible store) must do.

A photo is stored under a key `"<visit uuid>/<photo uuid>"` (canonical lowercase UUIDs, nothing
else, so a key can never climb out of its storage); its downscaled renditions under
`"<visit uuid>/<photo uuid>~<rendition>"` (`rendition_key`, names from RENDITIONS only). While it uploads, its bytes live in a
*partial* object that grows chunk by chunk; when the last byte has arrived and the SHA-256
matches, `finalise` turns the partial into the final object in one atomic step, so readers
never see half a photo.

How an S3-compatible store would implement this interface (boto3 / minio client):

- `write_chunk`: stream the chunk into one object per chunk, `"<key>.parts/<offset:020d>"`
  (`put_object` / `upload_fileobj` with the request stream), or into a temporary local file
  first when chunks are small; a failed read stores no part.
- `partial_size`: the sum of the part objects' sizes (`list_objects_v2` under the prefix).
- `open_partial`: a reader that chains `get_object(...)["Body"]` of the parts in order.
- `finalise`: `create_multipart_upload`, `upload_part_copy` per part (parts under 5 MiB are
  streamed through instead), `complete_multipart_upload` (atomic: the object appears whole
  or not at all), then delete the parts.
- `open` / `exists` / `delete`: `get_object` Body / `head_object` / `delete_object`.
- `partials`: `list_objects_v2` of the `.parts/` prefixes with the newest part's `LastModified`.
- `free_bytes`: None (a bucket has no free space to run out of; quotas are the store's business).
- `lock`: S3 has no locks; take a lease elsewhere (PostgreSQL `pg_try_advisory_lock`, or
  Redis `SET <key> NX PX`), failing fast with `StorageBusy` like the filesystem does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import BinaryIO, Protocol, runtime_checkable

BLOCK_SIZE = 64 * 1024
"""Bytes copied per step: uploads stream through memory one block at a time."""

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RENDITIONS = ("page", "thumb")
"""Downscaled copies kept beside each photo: `page` for web pages, `thumb` for PDF thumbnails."""
_KEY = re.compile(rf"{_UUID}/{_UUID}(?:~(?:{'|'.join(RENDITIONS)}))?")


class StorageError(Exception):
    """Something the storage cannot do with this key."""


class InvalidKey(StorageError, ValueError):
    """A key that is not `<uuid>/<uuid>`: refused before it can name a path."""


class OffsetMismatch(StorageError):
    """A chunk does not start where the partial data ends; `actual` is how much the partial holds."""

    def __init__(self, key: str, offset: int, actual: int):
        super().__init__(f"{key}: chunk starts at {offset} but the partial data holds {actual} bytes")
        self.offset, self.actual = offset, actual


class StorageBusy(StorageError):
    """Another upload of the same photo holds its lock."""


class NotStored(StorageError, FileNotFoundError):
    """No final (or, for `finalise`/`open_partial`, no partial) object under this key."""


def photo_key(visit_id: uuid.UUID | str, photo_id: uuid.UUID | str) -> str:
    """The storage key of a photo: `"<visit uuid>/<photo uuid>"`."""
    return f"{uuid.UUID(str(visit_id))}/{uuid.UUID(str(photo_id))}"


def rendition_key(key: str, name: str) -> str:
    """The storage key of a photo's rendition `name` (one of RENDITIONS): `"<visit uuid>/<photo uuid>~<name>"`."""
    if name not in RENDITIONS:
        raise InvalidKey(f"not a rendition: {name!r}")
    return f"{check_key(key).split('~')[0]}~{name}"


def check_key(key: str) -> str:
    """The key itself if it is exactly `<uuid>/<uuid>` (or a rendition's `~name`) in canonical form, else InvalidKey."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise InvalidKey(f"not a photo key: {key!r}")
    return key


class ByteReader(Protocol):
    """What write_chunk reads: anything with `read(size) -> bytes` (a file, a request body, a GuardedBody)."""

    def read(self, size: int = -1, /) -> bytes: ...


@runtime_checkable
class PhotoStorage(Protocol):
    """Where photo bytes live; every method takes a key made by `photo_key` (others raise InvalidKey)."""

    def write_chunk(self, key: str, stream: ByteReader, offset: int) -> int:
        """Append `stream` (read in BLOCK_SIZE blocks to its end) to the partial data at `offset`; bytes written.

        Data past `offset` from an earlier, unacknowledged write is dropped first; a partial shorter
        than `offset` raises OffsetMismatch. If reading the stream raises, nothing of this call is
        kept. Written data is durable (fsync) before this returns.
        """

    def partial_size(self, key: str) -> int:
        """Bytes the partial data holds (0 when there is none)."""

    def open_partial(self, key: str) -> BinaryIO:
        """A binary reader over the partial data (NotStored when there is none)."""

    def discard_partial(self, key: str) -> None:
        """Drop the partial data, if any."""

    def finalise(self, key: str) -> None:
        """Atomically turn the partial data into the final object (replacing any earlier one); durable."""

    def open(self, key: str) -> BinaryIO:
        """A binary reader over the final object (NotStored when there is none); the caller closes it."""

    def exists(self, key: str) -> bool:
        """Whether the final object exists."""

    def delete(self, key: str) -> None:
        """Remove the final object and any partial data; a missing key is not an error."""

    def partials(self) -> Iterator[tuple[str, datetime]]:
        """Every key with partial data, and when that data was last written (UTC), in no particular order."""

    def free_bytes(self) -> int | None:
        """Bytes the storage can still take (None: no limit the server can see)."""

    def lock(self, key: str) -> AbstractContextManager[None]:
        """Hold the key's upload lock for a `with` block; StorageBusy at once if someone else holds it."""
