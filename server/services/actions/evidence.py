"""Evidence photos of a fix: uploaded on the action's page, decoded once into page and thumb JPEGs (re-encoded, so
what is served is always a plain JPEG without the upload's metadata) and kept in the file store by the row's id."""

from __future__ import annotations

import io
import uuid
from typing import IO, BinaryIO, cast

from server.extensions import DbSession
from server.models import CorrectiveAction, CorrectiveActionEvidence, User
from server.permissions import can_work_on_action
from server.services.actions.history import record_event
from server.services.actions.inputs import text_of
from server.services.errors import NotAllowed, NotFound, ServiceError
from server.services.photos.renditions import ImageRefused, render_photo
from server.storage import FileStore, file_name

FOLDER = "actions"
SIZES = ("page", "thumb")
MAX_CAPTION = 200


def evidence_name(evidence_id: uuid.UUID, size: str) -> str:
    """The file store's name of one rendition of an evidence photo."""
    return file_name(FOLDER, evidence_id, f"{size}.jpg")


def add_evidence(
    session: DbSession,
    files: FileStore,
    actor: User,
    action: CorrectiveAction,
    stream: IO[bytes],
    content_type: str,
    *,
    caption: object = "",
    max_pixels: int,
) -> CorrectiveActionEvidence:
    """Add a photo to the action (its owner, admins and the region's managers); 415 if it is not a readable image."""
    if not can_work_on_action(actor, action):
        raise NotAllowed(None, "Only the action's owner, admins and the region's managers add evidence.")
    text = text_of(caption, "caption")
    if len(text) > MAX_CAPTION:
        raise ServiceError("caption", f"The caption must be at most {MAX_CAPTION} characters long.")
    try:
        rendered = render_photo(cast(BinaryIO, stream), content_type, max_pixels)
    except ImageRefused as exc:
        raise ServiceError("photo", exc.message, status=415) from None
    evidence = CorrectiveActionEvidence(
        id=uuid.uuid4(),
        action_id=action.id,
        uploaded_by_id=actor.id,
        caption=text,
        width=rendered.width,
        height=rendered.height,
    )
    session.add(evidence)
    for size, data in zip(SIZES, (rendered.page, rendered.thumb)):
        files.save(evidence_name(evidence.id, size), io.BytesIO(data))
    record_event(
        session, actor, action, "evidence", after=text, comment=text, summary=f"Evidence photo for action {action.id}"
    )
    return evidence


def open_evidence(files: FileStore, action: CorrectiveAction, evidence_id: object, size: str) -> BinaryIO:
    """A reader over one rendition of one of the action's evidence photos (NotFound for any other id)."""
    try:
        key = uuid.UUID(str(evidence_id))
    except ValueError:
        raise NotFound("evidence", "No such photo.") from None
    if size not in SIZES or not any(item.id == key for item in action.evidence):
        raise NotFound("evidence", "No such photo.")
    return files.open(evidence_name(key, size))
