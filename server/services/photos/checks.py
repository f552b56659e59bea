"""What an uploaded photo body must satisfy (Content-Range, first bytes, size), the errors, and a guarded reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from server.services.errors import ServiceError
from shared.photo_types import PHOTO_TYPES, SNIFF_BYTES, same_photo_type, sniff_photo_type

KINDS = {media: name for media, (name, _) in PHOTO_TYPES.items()}
EXTENSIONS = {media: extension for media, (_, extension) in PHOTO_TYPES.items()}
_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15})")


class PhotoUploadError(ServiceError):
    """A refused photo request: HTTP `status`, a sentence for people, and where to continue if known."""

    status = 400
    retry_after: int | None = None

    def __init__(self, message: str, *, received_bytes: int | None = None, errors: dict | None = None):
        super().__init__(None, message)
        self.received_bytes, self.errors = received_bytes, errors

    def as_errors(self) -> dict[str, list[str]]:
        """The fields at fault when the check names them (a header such as Content-Range), else none."""
        return dict(self.errors or {})


class PhotoNotFound(PhotoUploadError):
    """No such visit or photo among those the caller may see (foreign ids look exactly like missing ones)."""

    status = 404


class UploadForbidden(PhotoUploadError):
    """The caller may see the visit but is not its shopper."""

    status = 403


class BadUpload(PhotoUploadError):
    """A malformed request: Content-Range, Content-Length, an empty or too short first chunk."""


class OffsetConflict(PhotoUploadError):
    """The chunk does not start where the server's data ends; `received_bytes` says where to continue."""

    status = 409


class UploadInProgress(OffsetConflict):
    """Another request is uploading this photo right now."""

    retry_after = 5


class HashMismatch(PhotoUploadError):
    """The whole file arrived but its SHA-256 is not the manifest's; the data was discarded."""


class NotAnImage(PhotoUploadError):
    """The body is not an image of the manifest's type, or the type is not one we take."""

    status = 415


class PhotoTooLarge(PhotoUploadError):
    """More bytes than the manifest's size or the server's PHOTO_MAX_BYTES."""

    status = 413


class QuotaExceeded(PhotoUploadError):
    """The shopper's daily photo quota is used up; `retry_after` says when enough of it frees up."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, errors: dict | None = None):
        super().__init__(message, errors=errors)
        self.retry_after = retry_after


class InsufficientStorage(PhotoUploadError):
    """The photo storage is below its free-space floor (PHOTO_MIN_FREE_BYTES): nothing was read or stored."""

    status = 507
    retry_after = 3600


@dataclass(frozen=True)
class ContentRange:
    """`Content-Range: bytes start-end/total` (end inclusive)."""

    start: int
    end: int
    total: int

    @property
    def length(self) -> int:
        """Bytes the chunk carries."""
        return self.end - self.start + 1


def parse_content_range(header: str | None) -> ContentRange | None:
    """The parsed header, None when absent; BadUpload when malformed or inconsistent."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match:
        raise BadUpload(
            "Content-Range must look like 'bytes <start>-<end>/<total>'.",
            errors={"Content-Range": ["expected 'bytes <start>-<end>/<total>'"]},
        )
    start, end, total = map(int, match.groups())
    if not start <= end < total:
        raise BadUpload("Content-Range needs start <= end < total.", errors={"Content-Range": ["start <= end < total"]})
    return ContentRange(start, end, total)


def media_type(header: str | None) -> str:
    """'image/png; x=y' -> 'image/png'; '' when absent."""
    return (header or "").split(";")[0].strip().lower()


def check_declared_type(manifest_type: str, header: str | None) -> None:
    """The manifest names a type we take, and the request's Content-Type (if any) agrees with it."""
    if manifest_type not in KINDS:
        raise NotAnImage(f"Photos must be JPEG, PNG, WebP or HEIC/HEIF; the manifest says {manifest_type}.")
    sent = media_type(header)
    if sent not in ("", "application/octet-stream", manifest_type):
        raise NotAnImage(f"The request says Content-Type {sent} but the manifest says {manifest_type}.")


def check_signature(manifest_type: str, head: bytes, whole_file: bool) -> None:
    """The file's first bytes are those of the manifest's type (HEIC and HEIF share their brands)."""
    found = sniff_photo_type(head)
    if found is None and len(head) < SNIFF_BYTES and not whole_file:
        raise BadUpload(f"The first chunk must carry at least the first {SNIFF_BYTES} bytes of the file.")
    if not same_photo_type(found, manifest_type):
        seen = f"a {KINDS[found]} image" if found else "not an image we recognise"
        raise NotAnImage(f"The manifest says {KINDS[manifest_type]} but the body is {seen}.")


class GuardedBody:
    """The request body as storage reads it: capped at `limit` bytes, a dropped connection read as its end.

    `read_head` pulls the first bytes for the signature check; they are served again first.
    `broken` keeps the exception that ended the stream early, so the caller can save the bytes
    that did arrive and then re-raise it. With `exact` (a Content-Range chunk) the body must be
    exactly `limit` bytes: longer, or ending cleanly before that (a chunked body shorter than its
    range), raises BadUpload from `read`, so storage keeps nothing of the chunk.
    """

    def __init__(self, stream: IO[bytes], limit: int, *, exact: bool = False):
        self.stream, self.limit, self.exact = stream, limit, exact
        self.count = 0
        self.broken: BaseException | None = None
        self._head = b""

    def _read(self, size: int) -> bytes:
        if self.broken is not None:
            return b""
        try:
            return self.stream.read(size)
        except Exception as exc:  # werkzeug's ClientDisconnected, a socket timeout, a 413 from the WSGI layer
            self.broken = exc
            return b""

    def read_head(self, size: int) -> bytes:
        """Up to `size` first bytes (fewer only if the body ends sooner), kept to be read again."""
        head = b""
        while len(head) < size and (block := self._read(size - len(head))):
            head += block
        self._head = head
        return head

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; PhotoTooLarge once more than `limit` bytes have come."""
        if self._head:
            cut = len(self._head) if size is None or size < 0 else size
            block, self._head = self._head[:cut], self._head[cut:]
        else:
            block = self._read(size)
        self.count += len(block)
        if self.count > self.limit:
            if self.exact:
                raise BadUpload(
                    f"The body is longer than the {self.limit} bytes its Content-Range names; "
                    "nothing of this chunk was kept.",
                    errors={"Content-Range": ["longer body"]},
                )
            raise PhotoTooLarge(f"The body is longer than the {self.limit} bytes the photo still needs.")
        if not block and self.exact and self.broken is None and self.count < self.limit:
            raise BadUpload(
                f"The body has {self.count} bytes but its Content-Range names {self.limit}; "
                "nothing of this chunk was kept.",
                errors={"Content-Range": ["shorter body"]},
            )
        return block
