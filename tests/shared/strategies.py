"""Hypothesis strategies: random valid checklist documents and random valid answers for them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from shared.checklist import QUESTION_TYPES, Checklist, Question
from shared.visibility import condition_met
from shared.visit import Answer, PhotoRef

WEIGHTS = st.sampled_from([0, 0.25, 0.5, 1, 1, 1, 1.5, 2, 3, 10])
"""Weights whose multiples by small integers stay exact in floating point (so scaling them changes nothing)."""
SCORES = st.sampled_from([None, 0, 0.25, 0.5, 0.75, 1])
SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def possible_values(question: dict[str, Any]) -> list[Any]:
    """A few values that validly answer a question document (none for photo questions)."""
    kind = question["type"]
    if kind == "yes_no":
        return ["yes", "no"]
    if kind == "choice":
        return [o["value"] for o in question["options"]]
    if kind == "scale":
        return list(range(question["min"], question["max"] + 1))
    if kind == "number":
        low, high = question.get("min", -3), question.get("max", 8)
        return sorted({low, high, (low + high) / 2, *range(int(low), int(high) + 1)})
    if kind == "text":
        return ["ok", "Closed", "é"]
    if kind == "date":
        return ["2026-01-31", "2026-11-20"]
    if kind == "time":
        return ["09:00", "17:30"]
    return []


@st.composite
def question_docs(draw: st.DrawFn, key: str, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid question document; its condition, if any, names an earlier question and values it can have."""
    kind = draw(st.sampled_from(QUESTION_TYPES))
    doc: dict[str, Any] = {
        "key": key,
        "text": f"Question {key}?",
        "type": kind,
        "weight": draw(WEIGHTS),
        "required": draw(st.booleans()),
        "allow_na": draw(st.booleans()),
    }
    if kind == "yes_no" and draw(st.booleans()):
        doc["options"] = [
            {"value": "yes", "label": "Yes", "score": draw(SCORES)},
            {"value": "no", "label": "No", "score": draw(SCORES)},
        ]
    elif kind == "choice":
        doc["options"] = [
            {"value": f"o{n}", "label": f"Option {n}", "score": draw(SCORES)} for n in range(draw(st.integers(1, 4)))
        ]
    elif kind == "scale":
        low = draw(st.integers(-2, 3))
        doc.update(min=low, max=low + draw(st.integers(1, 6)))
    elif kind == "number":
        if draw(st.booleans()):
            doc.update(min=draw(st.integers(-3, 0)), max=draw(st.integers(1, 8)))
        if draw(st.booleans()):
            doc["pass_rule"] = {
                "op": draw(st.sampled_from(["<", "<=", "==", "!=", ">=", ">"])),
                "value": draw(st.sampled_from([0, 1, 2, 2.5, 5])),
            }
    elif kind == "photo":
        doc["min_photos"] = draw(st.integers(0, 2))
    sources = [e for e in earlier if e["type"] != "photo"]
    if sources and draw(st.integers(0, 2)) == 0:
        source = draw(st.sampled_from(sources))
        values = draw(st.lists(st.sampled_from(possible_values(source)), min_size=1, max_size=2, unique=True))
        doc["visible_if"] = {"question": source["key"], "in": values}
    if _can_score(doc) and draw(st.integers(0, 3)) == 0:
        doc["critical"] = True
        doc["critical_policy"] = draw(st.sampled_from([None, "zero", "flag"]))
    return doc


def _can_score(doc: dict[str, Any]) -> bool:
    """Whether a question document can score (only those may be critical)."""
    if doc["type"] in ("yes_no", "choice"):
        return "options" not in doc or any(o["score"] is not None for o in doc["options"])
    return doc["type"] == "scale" or "pass_rule" in doc


@st.composite
def checklist_docs(draw: st.DrawFn, max_sections: int = 3, max_questions: int = 5) -> dict[str, Any]:
    """A valid checklist document of 1..max_sections sections with 1..max_questions questions each."""
    weighted = draw(st.booleans())
    questions: list[dict[str, Any]] = []
    sections = []
    for s in range(draw(st.integers(1, max_sections))):
        mine = []
        for _ in range(draw(st.integers(1, max_questions))):
            mine.append(draw(question_docs(f"q{len(questions)}", questions)))
            questions.append(mine[-1])
        sections.append(
            {"key": f"s{s}", "title": f"Section {s}", "weight": draw(WEIGHTS) if weighted else None, "questions": mine}
        )
    return {
        "format": 1,
        "title": "Generated",
        "critical_policy": draw(st.sampled_from(["zero", "flag"])),
        "sections": sections,
    }


def _values(question: Question) -> list[Any]:
    """Valid values for a loaded question (the same as possible_values of its document)."""
    kind = question.type
    if kind == "number":
        return possible_values(
            {"type": kind, **{k: v for k, v in (("min", question.min), ("max", question.max)) if v is not None}}
        )
    return possible_values(
        {
            "type": kind,
            "options": [{"value": o.value} for o in question.options or ()],
            "min": question.min,
            "max": question.max,
        }
    )


@st.composite
def visits(draw: st.DrawFn, checklist: Checklist) -> tuple[list[Answer], list[PhotoRef]]:
    """Valid answers and photos for a checklist; hidden questions sometimes carry stale answers."""
    answers: dict[str, Answer] = {}
    photos: list[PhotoRef] = []
    visible: set[str] = set()
    for question in checklist.questions():
        shown = condition_met(question, visible, answers)
        if shown:
            visible.add(question.key)
        moves = ["value"] + ["na"] * question.allow_na + ["skip"] * (not (shown and question.required))
        move = draw(st.sampled_from(moves))
        if move == "na":
            answers[question.key] = Answer(question.key, na=True)
        elif move == "value" and question.type == "photo":
            low = max(question.min_photos or 0, 1)
            for _ in range(draw(st.integers(low, low + 1))):
                photos.append(PhotoRef(draw(st.uuids()), question.key, SHA, 1000, "image/jpeg"))
        elif move == "value":
            answers[question.key] = Answer(question.key, draw(st.sampled_from(_values(question))))
    order = draw(st.permutations(list(answers.values())))
    return list(order), photos
