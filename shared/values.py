"""Which values can answer which question: one rule set for answer validation and for checking visible_if conditions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .checklist import TEXT_LIMIT, Question
from .errors import show
from .exact import is_number, number_text

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")


def value_error(question: Question, value: Any) -> str | None:
    """Why ``value`` cannot answer ``question`` (a phrase like "must be 'yes' or 'no'"), or None if it can."""
    kind = question.type
    if kind == "photo":
        return "takes no value: its photos travel in the visit's photo list"
    if kind == "yes_no":
        return None if value in ("yes", "no") and isinstance(value, str) else "must be 'yes' or 'no'"
    if kind == "choice":
        if question.option(value) is not None:
            return None
        names = [show(o.value) for o in question.options or ()]
        listed = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        return f"must be one of the options ({listed})"
    if kind == "scale":
        low, high = question.min, question.max
        if isinstance(value, int) and not isinstance(value, bool) and low is not None and high is not None \
                and low <= value <= high:
            return None
        return f"must be a whole number from {number_text(low or 0)} to {number_text(high or 0)}"
    if kind == "number":
        return _number_error(question, value)
    if kind == "text":
        limit = min(question.max_length or TEXT_LIMIT, TEXT_LIMIT)
        if not isinstance(value, str):
            return "must be text"
        return None if len(value) <= limit else f"must be at most {limit:,} characters"
    if kind == "date":
        return None if _is_date(value) else "must be a date like 2026-11-20"
    if kind == "time":
        return None if isinstance(value, str) and _TIME.match(value) else "must be a time like 09:30 (24-hour HH:MM)"
    return f"cannot be answered: unknown question type {show(kind)}"


def _number_error(question: Question, value: Any) -> str | None:
    """Why a value cannot answer a number question, or None."""
    if not is_number(value):
        return "must be a number"
    if question.min is not None and value < question.min:
        return f"must be at least {number_text(question.min)}"
    if question.max is not None and value > question.max:
        return f"must be at most {number_text(question.max)}"
    return None


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
