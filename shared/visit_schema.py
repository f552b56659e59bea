"""Marshmallow schema for a completed visit on the wire (shape only; answers are checked against the checklist in answers.py)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from marshmallow import ValidationError, post_dump, post_load, validate, validates_schema

from . import fields as f
from .checklist import TEXT_LIMIT
from .checklist_schema import StrictSchema
from .errors import Issue, VisitInvalid, flatten_messages, sentence, split_path
from .visit import COMPLETED, NOT_COMPLETED_REASONS, OUTCOME_COMMENT_LIMIT, Answer, Location, Outcome, PhotoRef, Visit

MAX_ANSWERS = 1_000
MAX_PHOTOS = 500
MAX_PHOTO_BYTES = 1 << 30
VISIT_FORMATS = (1, 2)
"""Visit document formats this code reads: 2 added each photo's optional ``taken_at`` and ``location``."""
CAPTURE_FIELDS = ("taken_at", "location")
"""Photo manifest fields of format 2: left out of the canonical dump when None, so format 1 fingerprints hold."""
_SHA256 = re.compile(r"[0-9a-fA-F]{64}\Z")
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}/[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}\Z")


class LocationSchema(StrictSchema):
    """A GPS fix."""

    lat = f.Number(low=-90, high=90, required=True)
    lon = f.Number(low=-180, high=180, required=True)
    accuracy_m = f.Number(low=0, high=1_000_000, load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Location:
        """Build the Location dataclass from the checked fields."""
        return Location(**data)


class AnswerSchema(StrictSchema):
    """One answer entry; a null value counts as no value."""

    question = f.Slug(required=True)
    value = f.Scalar(max_length=TEXT_LIMIT, load_default=None, allow_none=True)
    na = f.Bool(load_default=False)
    comment = f.Text(max_length=2000, load_default="")

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Answer:
        """Build the Answer dataclass from the checked fields."""
        return Answer(**data)


class PhotoRefSchema(StrictSchema):
    """One photo manifest entry; sha256 and content type are stored lowercase."""

    id = f.Uuid(required=True)
    question = f.Slug(required=True)
    sha256 = f.Text(max_length=64, pattern=_SHA256, what="64 hexadecimal characters (a SHA-256 digest)", required=True)
    size = f.Number(integer=True, low=1, high=MAX_PHOTO_BYTES, required=True)
    content_type = f.Text(max_length=127, pattern=_MIME, what="a media type like image/jpeg", required=True)
    taken_at = f.UtcDateTime(load_default=None, allow_none=True)
    location = f.Obj(LocationSchema, load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> PhotoRef:
        """Build the PhotoRef dataclass from the checked fields."""
        data["sha256"] = data["sha256"].lower()
        data["content_type"] = data["content_type"].lower()
        return PhotoRef(**data)

    @post_dump
    def drop_unknown_capture(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Leave out capture fields that are None: a format 1 entry dumps (and fingerprints) exactly as before."""
        return {k: v for k, v in data.items() if not (k in CAPTURE_FIELDS and v is None)}


class OutcomeSchema(StrictSchema):
    """How the visit ended: {"status": "completed"}, or not_completed with a reason from a fixed list."""

    status = f.OneOf(("completed", "not_completed"), required=True)
    reason = f.OneOf(NOT_COMPLETED_REASONS, load_default=None, allow_none=True)
    comment = f.Text(max_length=OUTCOME_COMMENT_LIMIT, load_default="")

    @validates_schema
    def reason_fits_status(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A not-completed visit says why (and "other" says it in the comment); a completed one gives no reason."""
        status, reason = data.get("status"), data.get("reason")
        if status == "not_completed" and reason is None:
            raise ValidationError("is required when the visit could not be completed", field_name="reason")
        if status == "completed" and (reason is not None or data.get("comment")):
            raise ValidationError("is only given when the visit could not be completed", field_name="reason")
        if reason == "other" and not (data.get("comment") or "").strip():
            raise ValidationError("is required when the reason is 'other'", field_name="comment")

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Outcome:
        """Build the Outcome dataclass from the checked fields."""
        return Outcome(**data)


class VisitSchema(StrictSchema):
    """A completed visit: ids made on the device, aware date-times, answers and a photo manifest."""

    format = f.Number(
        integer=True,
        validate=validate.OneOf(VISIT_FORMATS, error="must be 1 or 2 (the visit formats so far)"),
        load_default=1,
        load_only=True,
    )
    id = f.Uuid(required=True)
    template_version_id = f.Number(integer=True, low=1, high=2**63 - 1, required=True)
    assignment_id = f.Uuid(load_default=None, allow_none=True)
    branch_id = f.Number(integer=True, low=1, high=2**63 - 1, required=True)
    started_at = f.UtcDateTime(required=True)
    finished_at = f.UtcDateTime(required=True)
    location = f.Obj(LocationSchema, load_default=None, allow_none=True)
    base_revision = f.Number(integer=True, low=1, high=2**31 - 1, load_default=None, allow_none=True)
    answers = f.List(f.Obj(AnswerSchema), noun="answer", max_items=MAX_ANSWERS, load_default=list)
    photos = f.List(f.Obj(PhotoRefSchema), noun="photo", max_items=MAX_PHOTOS, load_default=list)
    outcome = f.Obj(OutcomeSchema, load_default=COMPLETED)

    @validates_schema
    def finished_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A visit cannot end before it starts."""
        if data["finished_at"] < data["started_at"]:
            raise ValidationError("must not be before started_at", field_name="finished_at")

    @validates_schema
    def not_completed_is_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A visit that could not be completed carries no answers or photos: nothing of it is scored."""
        outcome = data.get("outcome", COMPLETED)
        if isinstance(outcome, Outcome) and not outcome.completed:
            for name in ("answers", "photos"):
                if data.get(name):
                    raise ValidationError("must be empty when the visit could not be completed", field_name=name)

    @post_dump
    def omit_default_outcome(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """A completed visit dumps without `outcome`: documents and fingerprints stay what they were before it."""
        if data.get("outcome") in (None, {"status": "completed", "reason": None, "comment": ""}):
            data.pop("outcome", None)
        return data

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Visit:
        """Build the Visit dataclass from the checked fields."""
        data.pop("format")
        data["answers"], data["photos"] = tuple(data["answers"]), tuple(data["photos"])
        return Visit(**data)

    @post_dump(pass_original=True)
    def mark_format(self, data: dict[str, Any], visit: Visit, **kwargs: Any) -> dict[str, Any]:
        """Say ``"format": 2`` when a photo carries capture fields or the visit was not completed (fields format 1
        does not know); a format 1 visit dumps without it, as before."""
        if any(p.has_capture for p in visit.photos) or not visit.outcome.completed:
            data["format"] = 2
        return data


_SCHEMA = VisitSchema()
"""One instance for every load and dump: building the schema (and its nested ones) cost as much as using it.
Its hooks keep no state, so it is safe to share between threads."""


def _describe(path: str, message: str, data: Any) -> Issue:
    """Turn a flattened marshmallow error into an Issue naming the answer or photo concerned."""
    for name, noun in (("answers", "answer"), ("photos", "photo")):
        index, rest = split_path(path, name)
        if index is None:
            continue
        items = data.get(name) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        key = item.get("question") if isinstance(item, dict) else None
        key = key if isinstance(key, str) and f.SLUG.match(key) else None
        where = f"{noun} {index + 1}" + (f" (question '{key}')" if key else "")
        return Issue(path, f"{where}: {sentence(rest, message)}", key)
    return Issue(path, sentence(path, message))


def visit_issues(data: Any) -> list[Issue]:
    """Every shape problem of a visit document, each with its field path (empty when the shape is fine)."""
    if not isinstance(data, dict):
        return [Issue("", "a visit must be a JSON object")]
    messages = VisitSchema().validate(data)
    return [_describe(path, message, data) for path, message in flatten_messages(messages)]


def load_visit(data: Any) -> Visit:
    """Load a visit document; raises VisitInvalid listing every shape problem. Check answers with answers.validate_visit."""
    if not isinstance(data, dict):
        raise VisitInvalid([Issue("", "a visit must be a JSON object")])
    try:
        visit: Visit = _SCHEMA.load(data)
        return visit
    except ValidationError as error:
        raise VisitInvalid(_describe(p, m, data) for p, m in flatten_messages(error.messages)) from None


def dump_visit(visit: Visit) -> dict[str, Any]:
    """The canonical JSON-ready dict of a visit (every format 1 field present; format 2 ones, a photo's capture
    fields and a not-completed outcome, only when set); load_visit(dump_visit(v)) == v."""
    dumped: dict[str, Any] = _SCHEMA.dump(visit)
    return dumped


def visit_fingerprint(visit: Visit) -> str:
    """SHA-256 of the canonical JSON of a visit: equal fingerprints = same content (tells a retry from a conflict)."""
    return document_fingerprint(dump_visit(visit))


def document_fingerprint(dumped: dict[str, Any]) -> str:
    """visit_fingerprint of the visit whose dump_visit() this is, without dumping it again."""
    text = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
