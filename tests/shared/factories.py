"""Small builders for checklist documents, checklists and answers, so tests state only what matters to them."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from shared.checklist import Checklist
from shared.validation import load_checklist
from shared.visit import Answer, PhotoRef


def q(key: str, type: str = "yes_no", **fields: Any) -> dict[str, Any]:
    """A question document."""
    return {"key": key, "text": f"Question {key}?", "type": type, **fields}


def scale(key: str, low: int = 1, high: int = 5, **fields: Any) -> dict[str, Any]:
    """A scale question document."""
    return q(key, "scale", min=low, max=high, **fields)


def choice(key: str, *options: tuple[str, Any], **fields: Any) -> dict[str, Any]:
    """A choice question document with (value, score) options."""
    return q(key, "choice", options=[{"value": v, "label": v.title(), "score": s} for v, s in options], **fields)


def number(key: str, op: str | None = None, value: Any = None, **fields: Any) -> dict[str, Any]:
    """A number question document, with a pass rule when op is given."""
    if op is not None:
        fields["pass_rule"] = {"op": op, "value": value}
    return q(key, "number", **fields)


def sec(key: str, *questions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A section document."""
    return {"key": key, "title": f"Section {key}", "questions": list(questions), **fields}


def doc(*sections: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A checklist document (deep-copied so tests can mutate it freely)."""
    return copy.deepcopy({"title": "Test checklist", "sections": list(sections), **fields})


def checklist(*sections: dict[str, Any], **fields: Any) -> Checklist:
    """A loaded, valid checklist."""
    return load_checklist(doc(*sections, **fields))


def one(*questions: dict[str, Any], **fields: Any) -> Checklist:
    """A loaded checklist with one section holding these questions."""
    return checklist(sec("main", *questions), **fields)


def ans(key: str, value: Any = None, *, na: bool = False, comment: str = "") -> Answer:
    """An answer."""
    return Answer(key, value, na, comment)


def photo(key: str) -> PhotoRef:
    """A photo manifest entry for a question."""
    return PhotoRef(uuid.uuid4(), key, "a" * 64, 1234, "image/jpeg")


FULL_DOC: dict[str, Any] = doc(
    sec(
        "arrival",
        q("open_on_time", required=True, critical=True, critical_policy="flag", help="Compare with the door."),
        q("why_closed", "text", max_length=500, visible_if={"question": "open_on_time", "in": ["no"]}),
        scale("cleanliness", 1, 5, labels={"1": "Poor", "5": "Great"}, weight=2),
        weight=1,
    ),
    sec(
        "service",
        choice("greeting", ("warm", 1), ("neutral", 0.5), ("none", 0), ("unsure", None), allow_na=True),
        number("wait_minutes", "<=", 2, min=0, max=120, weight=1.5),
        q(
            "inverted",
            options=[{"value": "yes", "label": "Yes", "score": 0}, {"value": "no", "label": "No", "score": 1}],
        ),
        q("storefront", "photo", min_photos=1, required=True),
        q("visit_date", "date"),
        q("visit_time", "time"),
        weight=2.5,
    ),
    description="Everything the format allows.",
    critical_policy="zero",
    allow_adhoc=True,
)
"""A valid document that uses every question type and most optional fields."""
