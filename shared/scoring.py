"""Visit scoring (DESIGN section 3): exact fractions inside, percentages rounded to 2 decimals once at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from .checklist import Checklist, Question
from .exact import round2, to_fraction
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
    if question.type in ("yes_no", "choice"):
        if question.type == "yes_no" and question.options is None:
            return Fraction(1 if value == "yes" else 0)
        option = question.option(value)
        return None if option is None or option.score is None else to_fraction(option.score)
    if question.type == "scale":
        return Fraction(value - question.min, question.max - question.min)  # type: ignore[operator]
    if question.type == "number" and question.pass_rule is not None:
        return Fraction(int(question.pass_rule.holds(value)))
    return None


def _judge(question: Question, answer: Answer | None, shown: bool, photo_count: int) -> tuple[str, Fraction | None]:
    """The status of one question and the fraction it earned (None unless scored)."""
    if not shown:
        return "hidden", None
    if answer is not None and answer.na:
        return "na", None
    if question.type == "photo":
        return ("unscored" if photo_count or answer is not None else "unanswered"), None
    if answer is None or is_blank(answer.value):
        return "unanswered", None
    if value_error(question, answer.value) is not None:
        return "invalid", None
    fraction = answer_fraction(question, answer.value)
    return ("unscored", None) if fraction is None else ("scored", fraction)


def _percent(earned: Fraction, possible: Fraction) -> Fraction | None:
    """earned / possible as a percentage, or None when nothing was possible."""
    return None if possible == 0 else earned * 100 / possible


def score_visit(checklist: Checklist, answers: Iterable[Answer], photos: Iterable[PhotoRef] = ()) -> VisitScore:
    """Score a visit's answers against its pinned checklist version; never raises on odd or partial answers."""
    by_key = answers_by_question(answers)
    shown = visible_questions(checklist, by_key)
    photo_counts = Counter(photo.question for photo in photos)
    questions: list[QuestionScore] = []
    sections: list[SectionScore] = []
    failures: list[str] = []
    policies: set[str] = set()
    total_earned = total_possible = Fraction(0)
    weighted_sum = weight_total = Fraction(0)
    for section in checklist.sections:
        earned = possible = Fraction(0)
        for question in section.questions:
            status, fraction = _judge(question, by_key.get(question.key), question.key in shown,
                                      photo_counts[question.key])
            weight = to_fraction(question.weight)
            failed = question.critical and fraction == 0
            if failed:
                failures.append(question.key)
                policies.add(checklist.effective_critical_policy(question))
            if fraction is not None:
                earned += fraction * weight
                possible += weight
            questions.append(QuestionScore(
                question.key, section.key, None if fraction is None else float(fraction),
                float(fraction * weight) if fraction is not None else 0.0,
                float(weight) if fraction is not None else 0.0, failed, status))
        percent = _percent(earned, possible)
        if percent is not None and section.weight is not None:
            weighted_sum += percent * to_fraction(section.weight)
            weight_total += to_fraction(section.weight)
        total_earned, total_possible = total_earned + earned, total_possible + possible
        sections.append(SectionScore(section.key, section.title, float(earned), float(possible),
                                     None if percent is None else round2(percent),
                                     None if section.weight is None else float(section.weight)))
    if checklist.has_section_weights:
        visit_percent = None if weight_total == 0 else weighted_sum / weight_total
    else:
        visit_percent = _percent(total_earned, total_possible)
    zeroed = "zero" in policies
    return VisitScore(
        percent=0.0 if zeroed else (None if visit_percent is None else round2(visit_percent)),
        earned=float(total_earned), possible=float(total_possible), sections=tuple(sections),
        questions=tuple(questions), critical_failures=tuple(failures), flagged="flag" in policies, zeroed=zeroed)
