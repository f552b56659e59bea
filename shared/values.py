"""Which values can answer which question: one rule set for answer validation and for checking visible_if conditions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from .checklist import TEXT_LIMIT, Question
from .errors import show
from .exact import is_number, number_text
from .question_types import QuestionType

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")


def value_error(question: Question, value: Any) -> str | None:
    """Why ``value`` cannot answer ``question`` (a phrase like "must be 'yes' or 'no'"), or None if it can."""
    rule = VALUE_RULES_BY_TYPE.get(question.type)
    if rule is None:
        return f"cannot be answered: unknown question type {show(question.type)}"
    return rule(question, value)


def _photo_error(question: Question, value: Any) -> str | None:
    """A photo question takes no value."""
    return "takes no value: its photos travel in the visit's photo list"


def _yes_no_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a yes_no question, or None."""
    return None if value in ("yes", "no") and isinstance(value, str) else "must be 'yes' or 'no'"


def _choice_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a choice question, or None."""
    if question.option(value) is not None:
        return None
    names = [show(o.value) for o in question.options or ()]
    listed = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return f"must be one of the options ({listed})"


def _scale_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a scale question, or None."""
    low, high = question.min, question.max
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and low is not None
        and high is not None
        and low <= value <= high
    ):
        return None
    return f"must be a whole number from {number_text(low or 0)} to {number_text(high or 0)}"


def _text_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a text question, or None."""
    limit = min(question.max_length or TEXT_LIMIT, TEXT_LIMIT)
    if not isinstance(value, str):
        return "must be text"
    return None if len(value) <= limit else f"must be at most {limit:,} characters"


def _date_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a date question, or None."""
    return None if _is_date(value) else "must be a date like 2026-11-20"


def _time_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a time question, or None."""
    return None if isinstance(value, str) and _TIME.match(value) else "must be a time like 09:30 (24-hour HH:MM)"


def _number_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a number question, or None."""
    if not is_number(value):
        return "must be a number"
    if question.min is not None and value < question.min:
        return f"must be at least {number_text(question.min)}"
    if question.max is not None and value > question.max:
        return f"must be at most {number_text(question.max)}"
    return None


VALUE_RULES_BY_TYPE: dict[QuestionType, Callable[[Question, Any], str | None]] = {
    QuestionType.YES_NO: _yes_no_error,
    QuestionType.CHOICE: _choice_error,
    QuestionType.SCALE: _scale_error,
    QuestionType.NUMBER: _number_error,
    QuestionType.TEXT: _text_error,
    QuestionType.PHOTO: _photo_error,
    QuestionType.DATE: _date_error,
    QuestionType.TIME: _time_error,
}
"""The value rule of each question type: why a value cannot answer such a question, or None."""


def _is_date(value: Any) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_blank(value: Any) -> bool:
    """True when a value does not count as an answer: None, or text that is empty or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1 and "1" is not 1, but 2 equals 2.0."""
    return isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str) and a == b
