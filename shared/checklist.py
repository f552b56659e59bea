"""The checklist model (one template version): frozen dataclasses shared by phone, server and reports."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from .exact import to_fraction
from .question_types import SPECS, QuestionType

Number = int | float
Scalar = str | int | float | bool

QUESTION_TYPES: tuple[str, ...] = tuple(kind.value for kind in QuestionType)
"""Every question type, in the order the docs list them (from shared.question_types)."""

TYPE_FIELDS: dict[QuestionType, frozenset[str]] = {kind: frozenset(spec.fields) for kind, spec in SPECS.items()}
"""Which type-specific fields each question type may carry."""

TYPE_SPECIFIC_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(name for spec in SPECS.values() for name in spec.fields))
"""Fields that exist only for some question types (absent or null elsewhere), in document order."""

SCORABLE_TYPES: frozenset[QuestionType] = frozenset(kind for kind, spec in SPECS.items() if spec.scorable)
"""Types that can earn points (number only with a pass rule, choice only with a scored option)."""

CRITICAL_POLICIES: tuple[str, ...] = ("zero", "flag")
"""What a critical failure does: zero the visit score, or keep it and flag the visit."""

PASS_RULE_OPS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
}
"""Operators a number question's pass rule may use."""

TEXT_LIMIT = 10_000
"""Longest text answer in characters, whatever max_length says."""


@dataclass(frozen=True)
class Option:
    """One answer option of a choice or yes_no question; score None leaves the question unscored when chosen."""

    value: str
    label: str
    score: Number | None = None


@dataclass(frozen=True)
class PassRule:
    """The rule that makes a number question score: the answer passes (1) or fails (0)."""

    op: str
    value: Number

    def holds(self, answer: Number) -> bool:
        """Whether an answer passes, compared exactly (no float rounding)."""
        return PASS_RULE_OPS[self.op](to_fraction(answer), to_fraction(self.value))


@dataclass(frozen=True)
class VisibleIf:
    """Show a question only when an earlier question's answer is one of ``values`` (JSON key ``in``)."""

    question: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Question:
    """One question of a checklist; fields that do not belong to its type stay None."""

    key: str
    text: str
    type: QuestionType
    required: bool = False
    allow_na: bool = False
    weight: Number = 1
    critical: bool = False
    critical_policy: str | None = None
    help: str = ""
    visible_if: VisibleIf | None = None
    options: tuple[Option, ...] | None = None
    min: Number | None = None
    max: Number | None = None
    labels: tuple[tuple[int, str], ...] | None = None
    pass_rule: PassRule | None = None
    max_length: int | None = None
    min_photos: int | None = None

    def option(self, value: object) -> Option | None:
        """The option with this value, or None (also for questions without options)."""
        for option in self.options or ():
            if isinstance(value, str) and option.value == value:
                return option
        return None

    def label_for(self, value: int) -> str | None:
        """The label of a scale value, if the template gives one."""
        return dict(self.labels or ()).get(value)

    @property
    def can_score(self) -> bool:
        """Whether some answer to this question can earn points (what a critical question needs)."""
        return CAN_SCORE_BY_TYPE[self.type](self)


def _scored_option(question: Question) -> bool:
    return any(o.score is not None for o in question.options or ())


CAN_SCORE_BY_TYPE: dict[QuestionType, Callable[[Question], bool]] = {
    QuestionType.YES_NO: lambda q: q.options is None or _scored_option(q),
    QuestionType.CHOICE: _scored_option,
    QuestionType.SCALE: lambda q: True,
    QuestionType.NUMBER: lambda q: q.pass_rule is not None,
    QuestionType.TEXT: lambda q: False,
    QuestionType.PHOTO: lambda q: False,
    QuestionType.DATE: lambda q: False,
    QuestionType.TIME: lambda q: False,
}
"""Whether a question of each type, as configured, can earn points (only SCORABLE_TYPES ever can)."""


@dataclass(frozen=True)
class Section:
    """An ordered group of questions with an optional weight in the visit score and an optional pass mark (%)."""

    key: str
    title: str
    weight: Number | None = None
    questions: tuple[Question, ...] = ()
    pass_mark: Number | None = None


PASS_MARK_RANGE = (0, 100)
"""Bounds of a pass mark: a visit or section percentage, decimals allowed (compared exactly, shared.targets)."""

PHOTO_EDGE_RANGE = (320, 8000)
"""Bounds of photo_settings.max_edge_px: smaller is unreadable, larger is what cameras already give."""

PHOTO_QUALITY_RANGE = (50, 95)
"""Bounds of photo_settings.jpeg_quality: below shows blocks, above only grows the file."""


@dataclass(frozen=True)
class PhotoSettings:
    """How the phone re-encodes a photo at capture: long edge at most ``max_edge_px``, JPEG of ``jpeg_quality``."""

    max_edge_px: int = 1600
    jpeg_quality: int = 85


@dataclass(frozen=True)
class Checklist:
    """One immutable template version: ordered sections of ordered questions, the critical policy, the pass mark."""

    title: str
    description: str = ""
    critical_policy: str = "flag"
    allow_adhoc: bool = False
    sections: tuple[Section, ...] = ()
    photo_settings: PhotoSettings = PhotoSettings()
    pass_mark: Number | None = None

    def questions(self) -> Iterator[Question]:
        """Every question in display order, across sections."""
        for section in self.sections:
            yield from section.questions

    @cached_property
    def _index(self) -> dict[str, tuple[Section, Question]]:
        """Question key -> (section, question), built once."""
        return {q.key: (s, q) for s in self.sections for q in s.questions}

    def question(self, key: str) -> Question:
        """The question with this key; KeyError if there is none."""
        return self._index[key][1]

    def section_of(self, key: str) -> Section:
        """The section holding the question with this key; KeyError if there is none."""
        return self._index[key][0]

    def has_question(self, key: object) -> bool:
        """Whether a question with this key exists."""
        return isinstance(key, str) and key in self._index

    def effective_critical_policy(self, question: Question) -> str:
        """The question's own critical policy, else the checklist's ("zero" or "flag")."""
        return question.critical_policy or self.critical_policy

    @property
    def has_section_weights(self) -> bool:
        """Whether the visit score is the weighted mean of section percentages."""
        return any(s.weight is not None for s in self.sections)
