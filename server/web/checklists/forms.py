"""The builder's forms: checklist dicts to form strings and back, naming the field a typed value is wrong in."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.checklist import TYPE_FIELDS, TYPE_SPECIFIC_FIELDS
from shared.checklist_paths import path_place, raw_questions, raw_sections
from shared.question_types import SPECS, QuestionType

Errors = dict[str, list[str]]
TYPE_LABELS = [(kind.value, spec.label) for kind, spec in SPECS.items()]
FIELD_TYPES = {
    name: " ".join(kind.value for kind, names in TYPE_FIELDS.items() if name in names) for name in TYPE_SPECIFIC_FIELDS
}
"""Type-specific field -> the types that carry it, space separated: which question form fieldsets builder.js shows."""
PASS_OPS = ["<", "<=", "==", "!=", ">=", ">"]


def _number(text: str, name: str, errors: Errors, *, whole: bool = False) -> int | float | None:
    """A typed number, None when blank; a wrong one is reported against its field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = int(text) if whole or re.fullmatch(r"[-+]?\d+", text) else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or abs(value) > 10**15:
        errors.setdefault(name, []).append("enter a whole number" if whole else "enter a number, e.g. 1 or 0.5")
        return None
    return value


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


def settings_from(form) -> dict:
    """The checklist-level fields of the settings form."""
    return {
        "title": form.get("title", "").strip(),
        "description": form.get("description", ""),
        "critical_policy": form.get("critical_policy", "flag"),
        "allow_adhoc": form.get("allow_adhoc") == "1",
        "photo_settings": {
            name: value
            for name in ("max_edge_px", "jpeg_quality")
            if (value := _setting_number(form.get(name, ""))) is not None
        },
        "pass_mark": _mark(form.get("pass_mark", "")),
    }


def _mark(text: str) -> int | float | str | None:
    """A pass mark typed into the form ("80", "72.5", "72,5"); blank is None (no pass mark), anything else goes to
    the validator as typed (its message names the field: "pass_mark must be a percentage from 0 to 100, or null")."""
    text = (text or "").strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        return None
    if re.fullmatch(r"[-+]?\d{1,9}", text):
        return int(text)
    return float(text) if re.fullmatch(r"[-+]?\d{0,9}\.\d{1,9}", text) else text


def _setting_number(text: str) -> int | str | None:
    """A whole number typed into the form; blank is None (the default), anything else goes to the validator as typed
    (so its message names the field: "photo_settings.max_edge_px must be a whole number")."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if re.fullmatch(r"[-+]?\d{1,9}", text) else text


def section_from(form) -> tuple[dict, Errors]:
    """A section's key, title, weight and pass mark from its form."""
    errors: Errors = {}
    data = {
        "key": form.get("key", "").strip(),
        "title": form.get("title", "").strip(),
        "weight": _number(form.get("weight", ""), "weight", errors),
        "pass_mark": _number(
            form.get("pass_mark", "").strip().removesuffix("%").replace(",", "."), "pass_mark", errors
        ),
    }
    mark = data["pass_mark"]
    if mark is not None and not 0 <= mark <= 100:
        errors.setdefault("pass_mark", []).append("enter a percentage from 0 to 100, or leave it empty for none")
    return data, errors


def _options(text: str, errors: Errors) -> list[dict] | None:
    """Lines of `value | label | score` (label and score optional)."""
    options = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        option: dict[str, Any] = {"value": parts[0], "label": parts[1] if len(parts) > 1 and parts[1] else parts[0]}
        score_errors: Errors = {}
        option["score"] = _number(parts[2], "options", score_errors) if len(parts) > 2 else None
        if score_errors:
            errors.setdefault("options", []).append(f"line {number}: the score must be a number from 0 to 1")
        options.append(option)
    return options or None


def _labels(text: str, errors: Errors) -> dict | None:
    """Lines of `number = label`."""
    labels = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        value, _, label = line.partition("=")
        if not re.fullmatch(r"\s*-?\d+\s*", value) or not label.strip():
            errors.setdefault("labels", []).append(f"line {number}: write it as 1 = Poor")
            continue
        labels[str(int(value))] = label.strip()
    return labels or None


def _as_text(text: str) -> Any:
    return text


def _whole_or_text(text: str) -> Any:
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _number_or_text(text: str) -> Any:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    return text


def _any_number_or_text(text: str) -> Any:
    try:
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class FormType:
    """How the builder treats a type: typed visible_if values and preview answers as values, whole min/max or not."""

    typed_value: Callable[[str], Any] = _as_text
    preview_value: Callable[[str], Any] = _as_text
    whole_bounds: bool = False


FORM_TYPES_BY_TYPE: dict[str, FormType] = {  # looked up by type text too: a StrEnum member equals it
    QuestionType.YES_NO: FormType(),
    QuestionType.CHOICE: FormType(),
    QuestionType.SCALE: FormType(_whole_or_text, _whole_or_text, whole_bounds=True),
    QuestionType.NUMBER: FormType(_number_or_text, _any_number_or_text),
    QuestionType.TEXT: FormType(),
    QuestionType.PHOTO: FormType(),
    QuestionType.DATE: FormType(),
    QuestionType.TIME: FormType(),
}
"""The builder form's handling of each question type (its label and fields come from shared.question_types)."""


def _typed(text: str, source_type: str | None) -> Any:
    """A visible_if value as the source question's answers are typed."""
    form_type = FORM_TYPES_BY_TYPE.get(source_type) if isinstance(source_type, str) else None
    return (form_type or FormType()).typed_value(text)


def question_from(form, types: dict[Any, Any]) -> tuple[dict, Errors]:
    """A whole question from its form; `types` maps earlier question keys to their types (for visible_if values)."""
    errors: Errors = {}
    kind = form.get("type", "yes_no")
    whole_bounds = FORM_TYPES_BY_TYPE.get(kind, FormType()).whole_bounds
    data: dict[str, Any] = {
        "key": form.get("key", "").strip(),
        "text": form.get("text", "").strip(),
        "type": kind,
        "required": form.get("required") == "1",
        "allow_na": form.get("allow_na") == "1",
        "weight": _number(form.get("weight", ""), "weight", errors),
        "critical": form.get("critical") == "1",
        "critical_policy": form.get("critical_policy") or None,
        "help": form.get("help", "").strip(),
    }
    if data["weight"] is None:  # blank means the default; an unreadable one is already reported on its field
        data["weight"] = 1
    source = form.get("visible_if_question", "")
    if source:
        values = [v.strip() for v in form.get("visible_if_values", "").split(",") if v.strip()]
        if not values:
            errors["visible_if_values"] = ["list the answers that show this question, separated by commas"]
        data["visible_if"] = {"question": source, "in": [_typed(v, types.get(source)) for v in values]}
    extra = {
        "options": lambda: _options(form.get("options", ""), errors),
        "min": lambda: _number(form.get("min", ""), "min", errors, whole=whole_bounds),
        "max": lambda: _number(form.get("max", ""), "max", errors, whole=whole_bounds),
        "labels": lambda: _labels(form.get("labels", ""), errors),
        "pass_rule": lambda: _pass_rule(form, errors),
        "max_length": lambda: _number(form.get("max_length", ""), "max_length", errors, whole=True),
        "min_photos": lambda: _number(form.get("min_photos", ""), "min_photos", errors, whole=True),
    }
    for name in sorted(TYPE_FIELDS.get(kind, ())):
        value = extra[name]()
        if value is not None:
            data[name] = value
    return data, errors


def _pass_rule(form, errors: Errors) -> dict | None:
    value = _number(form.get("pass_value", ""), "pass_value", errors)
    op = form.get("pass_op", "")
    if value is None or not op:
        return None
    return {"op": op, "value": value}


def question_form(question: dict) -> dict[str, str]:
    """The form strings of a stored question."""
    form = {
        name: _fmt(question.get(name))
        for name in ("key", "text", "type", "critical_policy", "help", "min", "max", "max_length", "min_photos")
    }
    form["type"] = form["type"] or "yes_no"
    form["weight"] = _fmt(question.get("weight", 1))
    for flag in ("required", "allow_na", "critical"):
        form[flag] = "1" if question.get(flag) else ""
    form["options"] = "\n".join(
        " | ".join([o.get("value", ""), o.get("label") or o.get("value", ""), _fmt(o.get("score"))]).rstrip(" |")
        for o in question.get("options") or []
    )
    form["labels"] = "\n".join(f"{k} = {v}" for k, v in (question.get("labels") or {}).items())
    rule = question.get("pass_rule") or {}
    form["pass_op"], form["pass_value"] = _fmt(rule.get("op")), _fmt(rule.get("value"))
    condition = question.get("visible_if") or {}
    form["visible_if_question"] = _fmt(condition.get("question"))
    form["visible_if_values"] = ", ".join(_fmt(v) for v in condition.get("in") or [])
    return form


def place_issues(definition: dict, issues) -> dict[str, list]:
    """Issues grouped by where they are shown: "" (the checklist), "s:<section key>" or "q:<question key>"."""
    sections = raw_sections(definition)
    placed: dict[str, list] = {}
    for issue in issues:
        s, j = path_place(issue.path)
        where = ""
        if s is not None and s < len(sections):
            section = sections[s]
            where = f"s:{section.get('key')}"
            questions = raw_questions(section)
            if j is not None and j < len(questions):
                where = f"q:{questions[j].get('key')}"
        placed.setdefault(where, []).append(issue)
    return placed
