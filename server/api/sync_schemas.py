"""Request and response shapes of the sync endpoints and the visit record (docs/sync-protocol.md)."""

from __future__ import annotations

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.exceptions import RequestEntityTooLarge

from server.api.base import Text
from server.services.sync.pull import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, BadCursor, parse_cursor


def too_large(message: str) -> RequestEntityTooLarge:
    """A 413 whose JSON body names the limit: {"message": ..., "errors": {"visits": [...]}}."""
    error = RequestEntityTooLarge(description=message)
    # flask-smorest's handler reads HTTPException.data, which werkzeug's stubs do not declare
    error.data = {"messages": {"visits": [message]}}  # type: ignore[attr-defined]
    return error


class PushSchema(Schema):
    """`{"visits": [...]}`; each visit is checked on its own, so one bad visit does not sink the batch."""

    visits = fields.List(
        fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "completed visits (docs/checklist-format.md), at most SYNC_MAX_VISITS"},
    )

    @pre_load
    def _limit_count(self, data, **kwargs):
        """Over SYNC_MAX_VISITS is a 413 before any visit is looked at."""
        limit = current_app.config["SYNC_MAX_VISITS"]
        if isinstance(data, dict) and isinstance(data.get("visits"), list) and len(data["visits"]) > limit:
            raise too_large(
                f"A push may carry at most {limit} visits (SYNC_MAX_VISITS); "
                f"this one has {len(data['visits'])}. Send them in smaller batches."
            )
        return data


class PushResultSchema(Schema):
    """What happened to one pushed visit (the service's PushResult, as_wire())."""

    id = fields.String(allow_none=True, metadata={"description": "the visit id as sent"})
    result = fields.String(metadata={"description": "created, unchanged, conflict or invalid"})
    revision = fields.Integer()
    status = fields.String(metadata={"description": "the visit's status on the server"})
    missing_photos = fields.List(fields.String(), metadata={"description": "photo ids still to upload"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "invalid: messages by field path inside the visit"},
    )
    message = fields.String()


class PushAnswerSchema(Schema):
    """One result per pushed visit, in order."""

    results = fields.List(fields.Nested(PushResultSchema))


def _cursor(text: str) -> None:
    try:
        parse_cursor(text)
    except BadCursor as exc:
        raise ValidationError(str(exc)) from None


class ChangesQuerySchema(Schema):
    """`?since=<cursor>&limit=<n>`."""

    class Meta:
        unknown = EXCLUDE

    since = Text(
        max_length=MAX_CURSOR_LENGTH,
        load_default="",
        validate=_cursor,
        metadata={"description": "cursor of the previous page; empty = from the beginning (a snapshot)"},
    )
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))


class ChangeSchema(Schema):
    """One change: the current state of a thing (upsert) or a tombstone (delete)."""

    entity = fields.String(metadata={"description": "template_version, branch, assignment or visit"})
    id = fields.String()
    op = fields.String(metadata={"description": "upsert or delete"})
    data = fields.Raw(metadata={"description": "the thing's current state (upsert only)"})


class ChangesSchema(Schema):
    """A page of changes and the cursor to continue from."""

    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    more = fields.Boolean()
    reset = fields.Boolean(
        metadata={
            "description": "first page of a snapshot: what the phone holds from earlier "
            "pulls stays only if this snapshot sends it again"
        }
    )
    snapshot_complete = fields.Boolean(
        metadata={
            "description": "last page of a snapshot: drop pulled things it "
            "did not send (never drafts, outbox or sent visits)"
        }
    )


class SectionScoreSchema(Schema):
    """A section's score in a visit."""

    key = fields.String()
    title = fields.String()
    earned = fields.Float()
    possible = fields.Float()
    percent = fields.Float(allow_none=True)


class RefusedPhotoSchema(Schema):
    """A photo of the manifest whose last complete upload the server refused, and why."""

    id = fields.String()
    question = fields.String()
    reason = fields.String(metadata={"description": "a sentence for the shopper, e.g. the pixel limit"})


class PhotoLocationSchema(Schema):
    """Where the phone was when it took a photo (WGS 84 degrees, accuracy in metres if known)."""

    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)


class PhotoRecordSchema(Schema):
    """A photo of the visit's manifest, with its capture time and position (null when the phone sent none)."""

    id = fields.String()
    question = fields.String()
    complete = fields.Boolean(metadata={"description": "the server has every byte"})
    taken_at = fields.DateTime(allow_none=True, metadata={"description": "when the phone took it (UTC)"})
    location = fields.Nested(PhotoLocationSchema, allow_none=True)


class OutcomeRecordSchema(Schema):
    """How a visit ended: completed, or not_completed with a reason (docs/checklist-format.md) and a comment."""

    status = fields.String(metadata={"description": "completed or not_completed"})
    reason = fields.String(metadata={"description": "shop_closed, refused_entry, branch_not_found, unsafe or other"})
    comment = fields.String()


class VisitRecordSchema(Schema):
    """The server's record of a visit."""

    id = fields.String()
    revision = fields.Integer()
    status = fields.String()
    outcome = fields.Nested(OutcomeRecordSchema, metadata={"description": "a not-completed visit has no score"})
    score_percent = fields.Float(allow_none=True)
    flagged = fields.Boolean()
    zeroed = fields.Boolean()
    critical_failures = fields.List(fields.String(), metadata={"description": "keys of failed critical questions"})
    sections = fields.List(fields.Nested(SectionScoreSchema))
    missing_photos = fields.List(fields.String())
    refused_photos = fields.List(
        fields.Nested(RefusedPhotoSchema),
        metadata={"description": "missing photos the server refused (they stay missing)"},
    )
    photos = fields.List(fields.Nested(PhotoRecordSchema), metadata={"description": "the manifest, in capture order"})
    review_note = fields.String()
    submitted_at = fields.DateTime()
