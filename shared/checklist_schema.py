"""Marshmallow schemas for the checklist JSON: shape and types only (the cross-field rules live in validation.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, post_dump, post_load, validate

from . import fields as f
from .checklist import (
    CRITICAL_POLICIES,
    PASS_MARK_RANGE,
    PASS_RULE_OPS,
    PHOTO_EDGE_RANGE,
    PHOTO_QUALITY_RANGE,
    QUESTION_TYPES,
    TYPE_SPECIFIC_FIELDS,
    Checklist,
    Option,
    PassRule,
    PhotoSettings,
    Question,
    Section,
    VisibleIf,
)
from .question_types import QuestionType

MAX_WEIGHT = 1_000_000
MAX_SECTIONS = 100
MAX_QUESTIONS_PER_SECTION = 200
MAX_QUESTIONS = 1_000
MAX_OPTIONS = 100


def PassMark() -> f.Number:
    """An optional pass mark: a percentage 0..100 (decimals allowed) or null for none."""
    return f.Number(
        low=PASS_MARK_RANGE[0],
        high=PASS_MARK_RANGE[1],
        what="a percentage from 0 to 100, or null",
        what_covers_high=True,
        load_default=None,
        allow_none=True,
    )


def _without_pass_mark(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out an unset pass_mark, so a checklist without targets dumps as it did before they existed."""
    if data.get("pass_mark", 0) is None:
        del data["pass_mark"]
    return data


class StrictSchema(Schema):
    """Rejects unknown fields, with sentence-style messages."""

    error_messages = {"unknown": "is not a known field", "type": "must be an object"}

    class Meta:
        unknown = RAISE


class OptionSchema(StrictSchema):
    """An option of a choice or yes_no question; a missing label defaults to the value."""

    value = f.Text(required=True, min_length=1, max_length=200)
    label = f.Text(max_length=200, load_default=None)
    score = f.Number(
        low=0, high=1, what="a number from 0 to 1, or null", what_covers_high=True, load_default=None, allow_none=True
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Option:
        """Build the Option dataclass from the checked fields."""
        if data["label"] is None:
            data["label"] = data["value"]
        return Option(**data)


class PassRuleSchema(StrictSchema):
    """The pass rule of a number question."""

    op = f.OneOf(PASS_RULE_OPS, required=True)
    value = f.Number(required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> PassRule:
        """Build the PassRule dataclass from the checked fields."""
        return PassRule(**data)


class VisibleIfSchema(StrictSchema):
    """A display condition: the earlier question's answer must be one of ``in``."""

    question = f.Slug(required=True)
    values = f.List(f.Scalar(max_length=200), noun="value", min_items=1, max_items=100, required=True, data_key="in")

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> VisibleIf:
        """Build the VisibleIf dataclass from the checked fields."""
        return VisibleIf(question=data["question"], values=tuple(data["values"]))


class QuestionSchema(StrictSchema):
    """A question; type-specific fields are absent or null unless the type uses them."""

    key = f.Slug(required=True)
    text = f.Text(required=True, min_length=1, max_length=2000)
    type = f.OneOf(QUESTION_TYPES, required=True)
    required = f.Bool(load_default=False)
    allow_na = f.Bool(load_default=False)
    weight = f.Number(
        low=0, high=MAX_WEIGHT, what="a number >= 0", load_default=1, error_messages={"null": "must be a number >= 0"}
    )
    critical = f.Bool(load_default=False)
    critical_policy = f.OneOf(CRITICAL_POLICIES, load_default=None, allow_none=True)
    help = f.Text(max_length=2000, load_default="")
    visible_if = f.Obj(VisibleIfSchema, load_default=None, allow_none=True)
    options = f.List(f.Obj(OptionSchema), noun="option", max_items=MAX_OPTIONS, load_default=None, allow_none=True)
    min = f.Number(load_default=None, allow_none=True)
    max = f.Number(load_default=None, allow_none=True)
    labels = f.Labels(load_default=None, allow_none=True)
    pass_rule = f.Obj(PassRuleSchema, load_default=None, allow_none=True)
    max_length = f.Number(integer=True, low=1, high=10_000, load_default=None, allow_none=True)
    min_photos = f.Number(integer=True, low=0, high=50, load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Question:
        """Build the Question dataclass from the checked fields."""
        if data["options"] is not None:
            data["options"] = tuple(data["options"])
        data["type"] = QuestionType(data["type"])
        return Question(**data)

    @post_dump
    def drop_unused(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Leave out type-specific fields that are not set, so the dump reads like a hand-written document."""
        if isinstance(data.get("type"), QuestionType):
            data["type"] = data["type"].value  # the plain wire string, as a loaded document holds it
        return {k: v for k, v in data.items() if not (k in TYPE_SPECIFIC_FIELDS and v is None)}


class SectionSchema(StrictSchema):
    """A section: key, title, optional weight and at least one question."""

    key = f.Slug(required=True)
    title = f.Text(required=True, min_length=1, max_length=200)
    weight = f.Number(low=0, high=MAX_WEIGHT, what="a number >= 0 or null", load_default=None, allow_none=True)
    questions = f.List(
        f.Obj(QuestionSchema), noun="question", min_items=1, max_items=MAX_QUESTIONS_PER_SECTION, required=True
    )
    pass_mark = PassMark()

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Section:
        """Build the Section dataclass from the checked fields."""
        return Section(
            key=data["key"],
            title=data["title"],
            weight=data["weight"],
            questions=tuple(data["questions"]),
            pass_mark=data["pass_mark"],
        )

    @post_dump
    def drop_unset_pass_mark(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Leave out an unset pass_mark (see _without_pass_mark)."""
        return _without_pass_mark(data)


class PhotoSettingsSchema(StrictSchema):
    """How the phone stores a photo at capture (optional; absent fields take the defaults)."""

    max_edge_px = f.Number(
        integer=True, low=PHOTO_EDGE_RANGE[0], high=PHOTO_EDGE_RANGE[1], load_default=PhotoSettings.max_edge_px
    )
    jpeg_quality = f.Number(
        integer=True, low=PHOTO_QUALITY_RANGE[0], high=PHOTO_QUALITY_RANGE[1], load_default=PhotoSettings.jpeg_quality
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> PhotoSettings:
        """Build the PhotoSettings dataclass from the checked fields."""
        return PhotoSettings(**data)


class ChecklistSchema(StrictSchema):
    """A whole checklist document (format 1). Load through validation.load_checklist to apply every rule."""

    format = f.Number(
        integer=True,
        validate=validate.Equal(1, error="must be 1 (the only format so far)"),
        load_default=1,
        dump_default=1,
    )
    title = f.Text(required=True, min_length=1, max_length=200)
    description = f.Text(max_length=10_000, load_default="")
    critical_policy = f.OneOf(CRITICAL_POLICIES, load_default="flag")
    allow_adhoc = f.Bool(load_default=False)
    sections = f.List(f.Obj(SectionSchema), noun="section", min_items=1, max_items=MAX_SECTIONS, required=True)
    photo_settings = f.Obj(PhotoSettingsSchema, load_default=None, allow_none=True)
    pass_mark = PassMark()

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Checklist:
        """Build the Checklist dataclass from the checked fields."""
        data.pop("format", None)
        data["sections"] = tuple(data["sections"])
        data["photo_settings"] = data["photo_settings"] or PhotoSettings()
        return Checklist(**data)

    @post_dump
    def drop_defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Leave out default photo_settings and an unset pass_mark, so a checklist without them dumps as before."""
        if data.get("photo_settings") == PhotoSettingsSchema().dump(PhotoSettings()):
            del data["photo_settings"]
        return _without_pass_mark(data)


def dump_checklist(checklist: Checklist) -> dict[str, Any]:
    """The canonical JSON-ready dict of a checklist; load_checklist(dump_checklist(c)) == c."""
    dumped: dict[str, Any] = ChecklistSchema().dump(checklist)
    return dumped
