"""Which questions a visit shows, from its answers; shared by answer validation and scoring so they never disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .checklist import Checklist, Question
from .values import is_blank, same_value
from .visit import Answer


def answers_by_question(answers: Iterable[Answer]) -> dict[str, Answer]:
    """Question key -> its answer; if a question was answered twice the first answer counts."""
    found: dict[str, Answer] = {}
    for answer in answers:
        found.setdefault(answer.question, answer)
    return found


def condition_met(question: Question, visible: set[str], answers: Mapping[str, Answer]) -> bool:
    """Whether a question's visible_if holds: its source is visible and answered (not N/A) with a listed value."""
    rule = question.visible_if
    if rule is None:
        return True
    if rule.question not in visible:
        return False
    answer = answers.get(rule.question)
    if answer is None or answer.na or is_blank(answer.value):
        return False
    return any(same_value(answer.value, wanted) for wanted in rule.values)


def visible_questions(checklist: Checklist, answers: Iterable[Answer] | Mapping[str, Answer]) -> frozenset[str]:
    """Keys of the questions shown for these answers (conditions point backwards, so one pass in order suffices)."""
    by_key = answers if isinstance(answers, Mapping) else answers_by_question(answers)
    visible: set[str] = set()
    for question in checklist.questions():
        if condition_met(question, visible, by_key):
            visible.add(question.key)
    return frozenset(visible)
