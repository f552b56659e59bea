"""The question types and what each one is: the one place a new type is declared (each layer dispatches on it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuestionType(StrEnum):
    """A question's type; the values are the wire strings, so JSON and stored definitions read exactly as before."""

    YES_NO = "yes_no"
    CHOICE = "choice"
    SCALE = "scale"
    NUMBER = "number"
    TEXT = "text"
    PHOTO = "photo"
    DATE = "date"
    TIME = "time"


@dataclass(frozen=True)
class QuestionTypeSpec:
    """What a question type is, apart from how any one layer shows, checks or scores it."""

    label: str
    """How people see the type named (the builder's type list)."""
    fields: tuple[str, ...] = ()
    """The type-specific question fields this type may carry, in document order."""
    scorable: bool = False
    """Whether an answer can earn points (number only with a pass rule, choice only with a scored option)."""
    has_options: bool = False
    """Whether answers are picked from a list of options."""
    takes_photos: bool = False
    """Answered by photos in the visit's photo list, never by a value."""


SPECS: dict[QuestionType, QuestionTypeSpec] = {
    QuestionType.YES_NO: QuestionTypeSpec("Yes / no", ("options",), scorable=True, has_options=True),
    QuestionType.CHOICE: QuestionTypeSpec("Choice", ("options",), scorable=True, has_options=True),
    QuestionType.SCALE: QuestionTypeSpec("Scale", ("min", "max", "labels"), scorable=True),
    QuestionType.NUMBER: QuestionTypeSpec("Number", ("min", "max", "pass_rule"), scorable=True),
    QuestionType.TEXT: QuestionTypeSpec("Text", ("max_length",)),
    QuestionType.PHOTO: QuestionTypeSpec("Photo", ("min_photos",), takes_photos=True),
    QuestionType.DATE: QuestionTypeSpec("Date"),
    QuestionType.TIME: QuestionTypeSpec("Time"),
}
"""Every question type's spec, in the order the docs list the types. A new type is a member above, its spec here,
and one entry in each dispatch table that tests/shared/test_question_types.py lists (it fails until each has one)."""


_BY_WIRE: dict[str, QuestionTypeSpec] = {kind.value: spec for kind, spec in SPECS.items()}
"""SPECS keyed by plain strings, for callers holding a raw type that may be no type at all."""


def takes_photos(kind: str) -> bool:
    """Whether a question of this type is answered by photos (False for an unknown type)."""
    spec = _BY_WIRE.get(kind)
    return spec is not None and spec.takes_photos
