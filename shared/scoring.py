"""Visit scoring (docs/architecture.md, Domain rules and scoring): exact fractions inside, percentages rounded to 2 decimals once at the end."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, cast

from .checklist import Checklist, Question
from .exact import round2, to_fraction
from .question_types import SPECS, QuestionType
from .values import is_blank, value_error
from .visibility import answers_by_question, visible_questions
from .visit import Answer, PhotoRef

STATUSES = ("scored", "unscored", "na", "hidden", "unanswered", "invalid")
"""Why a question did or did not count: only "scored" questions add to earned and possible."""


@dataclass(frozen=True)
class QuestionScore:
    """How one question scored; fraction None means it was left out of earned and possible (see status)."""

    key: str
    section_key: str
    fraction: float | None
    earned: float
    possible: float
    critical_failure: bool
    status: str


@dataclass(frozen=True)
class SectionScore:
    """A section's points; percent None means nothing in it was scorable."""

    key: str
    title: str
    earned: float
    possible: float
    percent: float | None
    weight: float | None = None


@dataclass(frozen=True)
class VisitScore:
    """A visit's score: percent None = not scored; zeroed/flagged say what critical failures did."""

    percent: float | None
    earned: float
    possible: float
    sections: tuple[SectionScore, ...]
    questions: tuple[QuestionScore, ...]
    critical_failures: tuple[str, ...]
    flagged: bool
    zeroed: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists instead of tuples)."""
        data = asdict(self)
        data["sections"] = [asdict(s) for s in self.sections]
        data["questions"] = [asdict(q) for q in self.questions]
        data["critical_failures"] = list(self.critical_failures)
        return data


def answer_fraction(question: Question, value: Any) -> Fraction | None:
    """The fraction 0..1 a value earns, or None when it does not score (unscored type or option, invalid value)."""
    if is_blank(value) or value_error(question, value) is not None:
        return None
    return _valid_fraction(question, value)


def _valid_fraction(question: Question, value: Any) -> Fraction | None:
    """answer_fraction of a value that can answer the question (value_error found nothing)."""
    return FRACTION_BY_TYPE[question.type](question, value)


def _option_fraction(question: Question, value: Any) -> Fraction | None:
    """The score of the chosen option; None for an option without one."""
    option = question.option(value)
    return None if option is None or option.score is None else to_fraction(option.score)


def _yes_no_fraction(question: Question, value: Any) -> Fraction | None:
    """yes earns 1 and no 0, unless the question's options give their own scores."""
    if question.options is None:
        return Fraction(1 if value == "yes" else 0)
    return _option_fraction(question, value)


def _scale_fraction(question: Question, value: Any) -> Fraction:
    """Where the value lies between min (0) and max (1)."""
    low, high = cast(int, question.min), cast(int, question.max)
    return Fraction(value - low, high - low)


def _number_fraction(question: Question, value: Any) -> Fraction | None:
    """1 when the pass rule holds, 0 when not; None without a pass rule."""
    return None if question.pass_rule is None else Fraction(int(question.pass_rule.holds(value)))


def _never_scores(question: Question, value: Any) -> Fraction | None:
    return None


FRACTION_BY_TYPE: dict[QuestionType, Callable[[Question, Any], Fraction | None]] = {
    QuestionType.YES_NO: _yes_no_fraction,
    QuestionType.CHOICE: _option_fraction,
    QuestionType.SCALE: _scale_fraction,
    QuestionType.NUMBER: _number_fraction,
    QuestionType.TEXT: _never_scores,
    QuestionType.PHOTO: _never_scores,
    QuestionType.DATE: _never_scores,
    QuestionType.TIME: _never_scores,
}
"""The fraction 0..1 a valid answer earns, by question type (None: the answer does not score)."""


@dataclass(frozen=True)
class _Points:
    """What one scored answer adds: its fraction and earned points as floats, the earned points in plan units."""

    fraction: float
    earned: float
    units: int
    zero: bool


SCALE_TABLE_LIMIT = 1_000
"""Scales with at most this many values get their points computed once per checklist; wider ones per answer."""


class _QuestionPlan:
    """One question's constants for scoring: its weight exactly, as a float and in plan units, its answers' points."""

    def __init__(self, question: Question, weight: Fraction, unit: int) -> None:
        self.question, self.weight, self.unit = question, weight, unit
        self.weight_float, self.weight_units = float(weight), int(weight * unit)
        self.table: dict[Any, _Points | None] | None = None
        self.takes_photos = SPECS[question.type].takes_photos
        if SPECS[question.type].has_options:
            self.table = {
                option.value: None if option.score is None else self.points(to_fraction(option.score))
                for option in question.options or ()
            }
            if question.type == QuestionType.YES_NO and question.options is None:
                self.table = {"yes": self.points(Fraction(1)), "no": self.points(Fraction(0))}
        elif (
            question.type == QuestionType.SCALE
            and (span := _scale_range(question)) is not None
            and span <= SCALE_TABLE_LIMIT
        ):
            low = cast(int, question.min)
            self.table = {value: self.points(_scale_fraction(question, value)) for value in range(low, low + span + 1)}

    def points(self, fraction: Fraction) -> _Points:
        """The points a fraction of this question's weight earns."""
        earned = fraction * self.weight
        return _Points(float(fraction), float(earned), int(earned * self.unit), fraction == 0)

    def scored(self, value: Any) -> _Points | None:
        """The points of a value that can answer the question, or None when it does not score."""
        if self.table is not None:
            return self.table.get(value)
        fraction = _valid_fraction(self.question, value)
        return None if fraction is None else self.points(fraction)


def _denominators(question: Question) -> Iterable[int]:
    """Denominators of every fraction an answer to the question can earn."""
    if SPECS[question.type].has_options:
        return [to_fraction(o.score).denominator for o in question.options or () if o.score is not None]
    if question.type == QuestionType.SCALE and (span := _scale_range(question)) is not None:
        return [span]
    return []


def _scale_range(question: Question) -> int | None:
    """max - min of a scale with whole, increasing bounds (what validation allows), else None."""
    low, high = question.min, question.max
    if (
        isinstance(low, int)
        and not isinstance(low, bool)
        and isinstance(high, int)
        and not isinstance(high, bool)
        and high > low
    ):
        return high - low
    return None


class _ScoringPlan:
    """A checklist's scoring constants, made once per (immutable) Checklist object: see _plan.

    Every weight and every fraction an answer can earn is a fraction whose denominator divides `unit`, so
    earned and possible points are sums of integers (in units of 1/unit): a section costs one exact
    division at the end, not a Fraction operation per question, and the results are the same exact values.
    """

    def __init__(self, checklist: Checklist) -> None:
        weights = {q.key: to_fraction(q.weight) for q in checklist.questions()}
        unit = 1
        for question in checklist.questions():
            for denominator in (1, *_denominators(question)):
                unit = math.lcm(unit, weights[question.key].denominator * denominator)
        self.unit = unit
        self.questions = {q.key: _QuestionPlan(q, weights[q.key], unit) for q in checklist.questions()}
        self.section_weights = {s.key: None if s.weight is None else to_fraction(s.weight) for s in checklist.sections}


def _plan(checklist: Checklist) -> _ScoringPlan:
    """The checklist's scoring plan, kept on the frozen Checklist itself (as functools.cached_property would)."""
    plan: _ScoringPlan | None = checklist.__dict__.get("_scoring_plan")
    if plan is None:
        plan = checklist.__dict__["_scoring_plan"] = _ScoringPlan(checklist)
    return plan


def _judge(plan: _QuestionPlan, answer: Answer | None, shown: bool, photo_count: int) -> tuple[str, _Points | None]:
    """The status of one question and the points it earned (None unless scored)."""
    question = plan.question
    if not shown:
        return "hidden", None
    if answer is not None and answer.na:
        return "na", None
    if plan.takes_photos:
        return ("unscored" if photo_count or answer is not None else "unanswered"), None
    if answer is None or is_blank(answer.value):
        return "unanswered", None
    if value_error(question, answer.value) is not None:
        return "invalid", None
    points = plan.scored(answer.value)
    return ("unscored", None) if points is None else ("scored", points)


def _percent(earned: int, possible: int) -> Fraction | None:
    """earned / possible (in the same units) as a percentage, or None when nothing was possible."""
    return None if possible == 0 else Fraction(earned * 100, possible)


def score_visit(checklist: Checklist, answers: Iterable[Answer], photos: Iterable[PhotoRef] = ()) -> VisitScore:
    """Score a visit's answers against its pinned checklist version; never raises on odd or partial answers."""
    plan = _plan(checklist)
    unit = plan.unit
    by_key = answers_by_question(answers)
    shown = visible_questions(checklist, by_key)
    photo_counts = Counter(photo.question for photo in photos)
    questions: list[QuestionScore] = []
    sections: list[SectionScore] = []
    failures: list[str] = []
    policies: set[str] = set()
    total_earned = total_possible = 0
    weighted_sum = weight_total = Fraction(0)
    for section in checklist.sections:
        earned = possible = 0  # in units of 1/unit
        for question in section.questions:
            question_plan = plan.questions[question.key]
            status, points = _judge(
                question_plan, by_key.get(question.key), question.key in shown, photo_counts[question.key]
            )
            failed = question.critical and points is not None and points.zero
            if failed:
                failures.append(question.key)
                policies.add(checklist.effective_critical_policy(question))
            if points is None:
                questions.append(QuestionScore(question.key, section.key, None, 0.0, 0.0, failed, status))
                continue
            earned += points.units
            possible += question_plan.weight_units
            questions.append(
                QuestionScore(
                    question.key,
                    section.key,
                    points.fraction,
                    points.earned,
                    question_plan.weight_float,
                    failed,
                    status,
                )
            )
        percent = _percent(earned, possible)
        section_weight = plan.section_weights[section.key]
        if percent is not None and section_weight is not None:
            weighted_sum += percent * section_weight
            weight_total += section_weight
        total_earned, total_possible = total_earned + earned, total_possible + possible
        sections.append(
            SectionScore(
                section.key,
                section.title,
                earned / unit,
                possible / unit,
                None if percent is None else round2(percent),
                None if section.weight is None else float(section.weight),
            )
        )
    if checklist.has_section_weights:
        visit_percent = None if weight_total == 0 else weighted_sum / weight_total
    else:
        visit_percent = _percent(total_earned, total_possible)
    zeroed = "zero" in policies
    return VisitScore(
        percent=0.0 if zeroed else (None if visit_percent is None else round2(visit_percent)),
        earned=total_earned / unit,
        possible=total_possible / unit,
        sections=tuple(sections),
        questions=tuple(questions),
        critical_failures=tuple(failures),
        flagged="flag" in policies,
        zeroed=zeroed,
    )
