"""Receiving a visit's photos (docs/sync-protocol.md, "Photos"): resumable, checked, idempotent, streamed to storage.

An upload owns its transactions (it refuses to run inside `atomic`): each step commits a short one of its
own, so no transaction is held while a slow phone sends its bytes, and the progress recorded (bytes held, a
refusal's reason) stays even when the request then fails.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, cast

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.engine import CursorResult

from server.extensions import DbSession
from server.models import Photo, Role, Visit, VisitStatus
from server.models.types import utcnow
from server.permissions import can_view_visit, role_of
from server.services.photos.budgets import PhotoLimits, check_upload_budget
from server.services.photos.checks import (
    EXTENSIONS,
    SNIFF_BYTES,
    BadUpload,
    ContentRange,
    GuardedBody,
    HashMismatch,
    InsufficientStorage,
    NotAnImage,
    OffsetConflict,
    PhotoNotFound,
    PhotoTooLarge,
    UploadForbidden,
    UploadInProgress,
    check_declared_type,
    check_signature,
    parse_content_range,
)
from server.services.photos.renditions import (
    ImageRefused,
    Rendered,
    discard_renditions,
    ensure_renditions,
    max_pixels,
    render_photo,
    store_renditions,
)
from server.services.sync.changes import record_change
from server.services.transactions import in_atomic
from server.services.webhooks.outbox import visit_event
from server.storage import BLOCK_SIZE, NotStored, OffsetMismatch, PhotoStorage, StorageBusy, photo_key, rendition_key

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class PhotoStatus:
    """Where one photo's upload stands; `completed_now` is true only for the request that completed it."""

    id: uuid.UUID
    received_bytes: int
    size: int
    complete: bool
    visit_status: str
    completed_now: bool = False


@dataclass(frozen=True)
class StoredPhoto:
    """A complete photo opened for reading: the caller closes `stream`."""

    stream: IO[bytes]
    content_type: str
    size: int
    sha256: str
    completed_at: datetime
    filename: str


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _find(session: DbSession, user: Any, visit_id: Any, photo_id: Any) -> tuple[Visit, Photo]:
    """The visit and the photo of its manifest, if the user may see the visit; else PhotoNotFound."""
    vid, pid = _uuid(visit_id), _uuid(photo_id)
    visit = session.get(Visit, vid) if vid else None
    if visit is None or not can_view_visit(user, visit):
        raise PhotoNotFound("There is no such visit.")
    photo = session.get(Photo, pid) if pid else None
    if photo is None or photo.visit_id != visit.id:
        raise PhotoNotFound("The visit's manifest has no such photo.")
    return visit, photo


def _status(visit: Visit, photo: Photo, completed_now: bool = False) -> PhotoStatus:
    complete = photo.completed_at is not None
    return PhotoStatus(
        photo.id,
        photo.size if complete else photo.received_bytes,
        photo.size,
        complete,
        visit.status.value,
        completed_now,
    )


def photo_status(session: DbSession, user: Any, visit_id: Any, photo_id: Any) -> PhotoStatus:
    """How much of the photo the server holds; for the visit's shopper and whoever may see the visit."""
    return _status(*_find(session, user, visit_id, photo_id))


def open_photo(session: DbSession, storage: PhotoStorage, user: Any, visit_id: Any, photo_id: Any) -> StoredPhoto:
    """A complete photo's bytes for whoever may see the visit; PhotoNotFound before it has arrived."""
    _, photo = _find(session, user, visit_id, photo_id)
    if photo.removed_at is not None:
        raise PhotoNotFound("This photo was deleted at the end of its retention period.")
    if photo.completed_at is None or not photo.storage_key:
        raise PhotoNotFound("This photo has not arrived yet.")
    try:
        stream = storage.open(photo.storage_key)
    except NotStored:
        current_app.logger.error("photo %s is complete but missing from storage", photo.id)
        raise PhotoNotFound("The photo's file is missing from storage.") from None
    return StoredPhoto(
        stream,
        photo.content_type,
        photo.size,
        photo.sha256,
        photo.completed_at,
        f"{photo.id}{EXTENSIONS.get(photo.content_type, '')}",
    )


def open_rendition(
    session: DbSession, storage: PhotoStorage, user: Any, visit_id: Any, photo_id: Any, name: str = "page"
) -> StoredPhoto:
    """A complete photo's downscaled JPEG rendition (`page` or `thumb`) for whoever may see the visit.

    Photos stored before renditions existed get theirs now (once); PhotoNotFound before the photo
    has arrived, after its files were removed, or when it cannot be shown (the reason is the message).
    """
    _, photo = _find(session, user, visit_id, photo_id)
    if photo.removed_at is not None:
        raise PhotoNotFound("This photo was deleted at the end of its retention period.")
    if photo.completed_at is None or not photo.storage_key:
        raise PhotoNotFound(photo.refused_reason or "This photo has not arrived yet.")
    if not ensure_renditions(session, storage, photo):
        raise PhotoNotFound(photo.refused_reason or "This photo cannot be shown right now; try again shortly.")
    key = photo.page_key if name == "page" else photo.thumb_key
    assert key is not None  # ensure_renditions said yes: both renditions are stored (they are set together)
    try:
        with storage.open(key) as stream:
            data = stream.read()
    except NotStored:
        current_app.logger.error("photo %s: rendition %s is missing from storage", photo.id, name)
        raise PhotoNotFound("The photo's file is missing from storage.") from None
    return StoredPhoto(
        io.BytesIO(data),
        "image/jpeg",
        len(data),
        f"{photo.sha256}-{name}",
        photo.completed_at,
        f"{photo.id}-{name}.jpg",
    )


def receive_photo_chunk(
    session: DbSession,
    storage: PhotoStorage,
    user: Any,
    visit_id: Any,
    photo_id: Any,
    stream: IO[bytes],
    content_range: str | None,
    content_length: int | None,
    content_type: str | None,
    *,
    max_bytes: int | None = None,
) -> PhotoStatus:
    """Store one chunk (or the whole file) of a photo from `stream`, without holding it in memory.

    `content_range` is the raw header (None: the body is the whole file, replacing any partial data).
    Completing the last photo of a visit awaiting photos moves it to submitted. A photo already
    complete answers complete and reads nothing. Raises PhotoUploadError subclasses (status = HTTP).
    """
    if in_atomic(session):
        raise RuntimeError("a photo upload commits its own short transactions: call it outside any atomic block")
    limit = max_bytes if max_bytes is not None else current_app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    visit, photo = _find(session, user, visit_id, photo_id)
    if role_of(user) is not Role.SHOPPER or visit.shopper_id != user.id:
        raise UploadForbidden("Only the shopper who made the visit uploads its photos.")
    if photo.completed_at is not None:
        return _status(visit, photo)
    chunk = parse_content_range(content_range)
    _check_size(photo, chunk, content_length, limit)
    check_declared_type(photo.content_type, content_type)
    check_upload_budget(session, user, visit, photo, PhotoLimits.from_config(current_app.config))
    _check_free_space(
        storage, content_length if content_length is not None else photo.size - (chunk.start if chunk else 0)
    )
    key = photo_key(visit.id, photo.id)
    try:
        with storage.lock(key):
            return _receive(session, storage, key, visit.id, photo.id, stream, chunk)
    except StorageBusy:
        received = photo.received_bytes
        session.rollback()  # the upload's own transaction (nothing written): no connection held by a refusal
        raise UploadInProgress(
            "Another upload of this photo is in progress; try again shortly.", received_bytes=received
        ) from None


def _check_size(photo: Photo, chunk: ContentRange | None, content_length: int | None, limit: int) -> None:
    """413/400 before a byte is read: the photo's size, the range's total, the body's declared length."""
    if photo.size > limit:
        raise PhotoTooLarge(f"The photo is {photo.size} bytes; the server takes photos of at most {limit} bytes.")
    start = chunk.start if chunk else 0
    if chunk is not None:
        if chunk.total != photo.size:
            error = PhotoTooLarge if chunk.total > photo.size else BadUpload
            raise error(
                f"Content-Range says the file has {chunk.total} bytes; the manifest says {photo.size}.",
                errors={"Content-Range": [f"the total must be {photo.size}"]},
            )
        if content_length is not None and content_length != chunk.length:
            raise BadUpload(f"Content-Length is {content_length} but Content-Range names {chunk.length} bytes.")
    if content_length is not None and start + content_length > photo.size:
        raise PhotoTooLarge(f"The body is larger than the photo's size in the manifest ({photo.size} bytes).")


def _check_free_space(storage: PhotoStorage, incoming: int) -> None:
    """507 before a byte is read when storing `incoming` more bytes would leave less than PHOTO_MIN_FREE_BYTES free."""
    floor = current_app.config["PHOTO_MIN_FREE_BYTES"]
    free = storage.free_bytes()
    if free is not None and free - incoming < floor:
        current_app.logger.error(
            "photo storage has %d bytes free, below PHOTO_MIN_FREE_BYTES (%d): uploads refused", free, floor
        )
        raise InsufficientStorage(
            "The server is short of storage space and did not store this photo; it keeps "
            "the photo's place, try again later."
        )


def _locked_photo(session: DbSession, photo_id: uuid.UUID) -> Photo:
    """The photo row, read afresh and locked (FOR UPDATE on PostgreSQL); PhotoNotFound if it went away."""
    photo = session.scalar(
        select(Photo).where(Photo.id == photo_id).with_for_update().execution_options(populate_existing=True)
    )
    if photo is None:
        raise PhotoNotFound("The visit's manifest has no such photo.")
    return photo


def _receive(
    session: DbSession,
    storage: PhotoStorage,
    key: str,
    visit_id: uuid.UUID,
    photo_id: uuid.UUID,
    stream: IO[bytes],
    chunk: ContentRange | None,
) -> PhotoStatus:
    """Under the photo's storage lock: check the offset, stream the body to storage, then record progress.

    A Content-Range chunk must carry exactly the bytes its range names (longer or cleanly shorter:
    BadUpload, nothing of it kept); a dropped connection keeps what arrived.
    """
    start = chunk.start if chunk else None
    photo = _locked_photo(session, photo_id)
    if photo.completed_at is not None:
        return _status(_visit(session, visit_id), photo)
    size, content_type, sha256, received = photo.size, photo.content_type, photo.sha256, photo.received_bytes
    if start is not None and start != received:
        session.rollback()  # the upload's own transaction (nothing written): the photo's row lock let go at once
        raise OffsetConflict(
            f"The server holds {received} bytes of this photo; continue from there.", received_bytes=received
        )
    start = start or 0
    session.commit()  # no transaction (nor pooled connection) held while a slow phone sends its bytes
    body = GuardedBody(stream, limit=chunk.length if chunk else size - start, exact=chunk is not None)
    if start < SNIFF_BYTES:
        head = body.read_head(SNIFF_BYTES)
        if not head:
            if body.broken is not None:
                raise body.broken
            raise BadUpload("The body is empty.")
        check_signature(content_type, head, whole_file=start + len(head) == size)
    try:
        written = storage.write_chunk(key, body, start)
    except OffsetMismatch as exc:  # the stored data is shorter than the database says: trust the data
        _set_received(session, photo_id, exc.actual)
        raise OffsetConflict(
            f"The server holds {exc.actual} bytes of this photo; continue from there.", received_bytes=exc.actual
        ) from None
    if start + written < size:
        status = _set_received(session, photo_id, start + written)
        if body.broken is not None:
            raise body.broken
        return status
    if _sha256(storage, key) != sha256:
        storage.discard_partial(key)
        _set_received(session, photo_id, 0)
        raise HashMismatch(
            "The file's SHA-256 is not the one in the manifest; its data was discarded, "
            "upload it again from the start.",
            received_bytes=0,
        )
    return _finish(session, storage, key, visit_id, photo_id, content_type)


def _finish(
    session: DbSession, storage: PhotoStorage, key: str, visit_id: uuid.UUID, photo_id: uuid.UUID, content_type: str
) -> PhotoStatus:
    """The whole file is here and its hash matched: decode it once, store its renditions, then the original.

    A photo that cannot be decoded within the pixel limit as its declared type is refused (415): its
    data is discarded, the reason recorded on the photo (the visit stays awaiting photos and says
    why), and nothing of it stays in storage. Any other failure leaves no rendition and no partial.
    """
    try:
        with storage.open_partial(key) as data:
            rendered = render_photo(data, content_type, max_pixels())
    except ImageRefused as exc:
        storage.discard_partial(key)
        _refuse(session, photo_id, exc.message)
        raise NotAnImage(f"{exc.message} Its data was discarded.", received_bytes=0) from None
    try:
        store_renditions(storage, key, rendered)
        storage.finalise(key)
    except BaseException:
        discard_renditions(storage, key)
        storage.discard_partial(key)
        _set_received(session, photo_id, 0)
        raise
    return _complete(session, visit_id, photo_id, key, rendered)


def _refuse(session: DbSession, photo_id: uuid.UUID, reason: str) -> None:
    """Record why the photo was refused and that the server holds none of it, in its own short transaction."""
    photo = _locked_photo(session, photo_id)
    photo.received_bytes, photo.refused_reason = 0, reason
    session.commit()  # its own transaction: the refusal stays recorded although the request answers 415
    current_app.logger.warning("photo %s of visit %s refused: %s", photo.id, photo.visit_id, reason)


def _visit(session: DbSession, visit_id: uuid.UUID) -> Visit:
    """The visit row, read afresh."""
    return session.execute(
        select(Visit).where(Visit.id == visit_id).execution_options(populate_existing=True)
    ).scalar_one()  # the visit of a photo: it exists


def _sha256(storage: PhotoStorage, key: str) -> str:
    """SHA-256 of the partial data, read back from storage a block at a time."""
    digest = hashlib.sha256()
    with storage.open_partial(key) as data:
        while block := data.read(BLOCK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def _set_received(session: DbSession, photo_id: uuid.UUID, received: int) -> PhotoStatus:
    """Record how many bytes the server holds, in its own short transaction."""
    photo = _locked_photo(session, photo_id)
    photo.received_bytes = received
    session.commit()  # its own transaction: what storage holds stays recorded whatever the request does next
    return _status(_visit(session, photo.visit_id), photo)


def _complete(
    session: DbSession, visit_id: uuid.UUID, photo_id: uuid.UUID, key: str, rendered: Rendered
) -> PhotoStatus:
    """Mark the photo complete; if it was the visit's last missing photo, the visit becomes submitted.

    The visit row is locked first (PostgreSQL), and the photo update takes SQLite's write lock
    before the "anything missing?" question is asked, so two last photos finishing together
    move the visit (and log the change) exactly once.
    """
    session.scalar(select(Visit.id).where(Visit.id == visit_id).with_for_update())
    photo = _locked_photo(session, photo_id)
    photo.received_bytes, photo.storage_key, photo.completed_at = photo.size, key, utcnow()
    photo.width, photo.height, photo.refused_reason = rendered.width, rendered.height, None
    photo.page_key, photo.thumb_key = rendition_key(key, "page"), rendition_key(key, "thumb")
    session.flush()
    missing = exists().where(Photo.visit_id == visit_id, Photo.completed_at.is_(None))
    moved = cast(
        CursorResult,
        session.execute(  # an UPDATE's result: a CursorResult, with the rowcount
            update(Visit)
            .where(Visit.id == visit_id, Visit.status == VisitStatus.AWAITING_PHOTOS, ~missing)
            .values(status=VisitStatus.SUBMITTED)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if moved:
        visit = _visit(session, visit_id)
        record_change(session, "visit", visit_id, audience=visit.shopper_id)
        visit_event(session, "visit.submitted", visit, status=VisitStatus.SUBMITTED.value)
    session.commit()  # its own transaction: the file is final in storage, so the photo is complete now
    return _status(_visit(session, visit_id), photo, completed_now=True)
