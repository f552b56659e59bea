"""The cross-field rules of a checklist (docs/checklist-format.md, "Rules the validator enforces"), run on raw JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from .checklist import TYPE_FIELDS, TYPE_SPECIFIC_FIELDS, Question
from .checklist_paths import raw_questions
from .checklist_schema import MAX_QUESTIONS, MAX_QUESTIONS_PER_SECTION, QuestionSchema
from .errors import Issue, shorten, show
from .locator import Locator
from .question_types import QuestionType, takes_photos
from .values import is_blank, value_error


@dataclass
class Slot:
    """One raw question by position, with its key and its loaded Question (None when its shape is broken)."""

    s: int
    j: int
    key: str | None
    question: Question | None
    sound: bool = False


_NEEDED = {"key", "type", "visible_if", *TYPE_SPECIFIC_FIELDS}
_PLACEHOLDERS = {
    "text": "?",
    "required": False,
    "allow_na": False,
    "weight": 1,
    "critical": False,
    "critical_policy": None,
    "help": "",
}


def _lenient_load(schema: QuestionSchema, raw: Any) -> Question | None:
    """Load a question; if only its general fields (text, weight...) are broken, use defaults so its rules still run."""
    if not isinstance(raw, dict):
        return None
    try:
        question: Question = schema.load(raw)
        return question
    except ValidationError as error:
        broken = set(error.messages) if isinstance(error.messages, dict) else {"_schema"}
        data = error.valid_data if isinstance(error.valid_data, dict) else {}
        if broken & _NEEDED or "_schema" in broken or not {"key", "type"} <= set(data):
            return None
        known = {k: v for k, v in data.items() if k in _NEEDED or k in _PLACEHOLDERS}
        options = known.get("options")
        return Question(
            **{
                **_PLACEHOLDERS,
                **known,
                "options": None if options is None else tuple(options),
                "type": QuestionType(known["type"]),
            }
        )


def _slots(loc: Locator) -> list[Slot]:
    """Every question position in the document, loaded one by one so one broken question hides no other error."""
    schema, slots = QuestionSchema(), []
    for s, section in enumerate(loc.sections):
        for j, raw in enumerate(raw_questions(section)[:MAX_QUESTIONS_PER_SECTION]):
            slots.append(Slot(s, j, loc.question_key(s, j), _lenient_load(schema, raw)))
    return slots


def _section_rules(loc: Locator) -> list[Issue]:
    """Duplicate section keys and section weights given for some sections but not all."""
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for s, section in enumerate(loc.sections):
        key = section.get("key") if isinstance(section, dict) else None
        if isinstance(key, str) and key in seen:
            issues.append(loc.issue(s, None, "key", f"key '{shorten(key)}' is already used by section {seen[key] + 1}"))
        elif isinstance(key, str):
            seen[key] = s
    objects = [s for s, section in enumerate(loc.sections) if isinstance(section, dict)]
    weighted = [s for s in objects if loc.sections[s].get("weight") is not None]
    if weighted and len(weighted) < len(objects):
        listed = ", ".join(str(s + 1) for s in weighted[:10]) + (", ..." if len(weighted) > 10 else "")
        for s in objects:
            if s not in weighted:
                has = f"section {listed} has" if len(weighted) == 1 else f"sections {listed} have"
                issues.append(
                    loc.issue(
                        s,
                        None,
                        "weight",
                        f"weight is missing: {has} a weight, and either every section has one or none has",
                    )
                )
    return issues


def _config_rules(q: Question) -> tuple[list[tuple[str, str]], bool]:
    """(relative path, message) for one question's type configuration, and whether that configuration is sound."""
    misplaced = []
    for name in TYPE_SPECIFIC_FIELDS:
        if getattr(q, name) is not None and name not in TYPE_FIELDS[q.type]:
            users = ", ".join(t for t, names in TYPE_FIELDS.items() if name in names)
            misplaced.append((name, f"{name} does not belong to a {q.type} question (only to: {users})"))
    rules = TYPE_RULES_BY_TYPE[q.type]
    found: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for k, option in enumerate(q.options or ()):
        if option.value in seen:
            found.append(
                (
                    f"options[{k}].value",
                    f"option value {show(option.value)} is used twice (options {seen[option.value] + 1} and {k + 1})",
                )
            )
        seen.setdefault(option.value, k)
    found += rules.config(q)
    if not found and q.critical and not q.can_score:
        found.append(("critical", f"a critical question must be able to score, and {rules.unscorable(q)}"))
        return misplaced + found, True
    return misplaced + found, not found


def _no_config_rules(q: Question) -> list[tuple[str, str]]:
    """Types whose configuration has no rule beyond the fields it may carry."""
    return []


def _choice_rules(q: Question) -> list[tuple[str, str]]:
    """A choice question needs an option (an empty list has no duplicate values, so the order of messages holds)."""
    return [] if q.options else [("options", "a choice question needs at least one option")]


def _yes_no_rules(q: Question) -> list[tuple[str, str]]:
    """Options of a yes_no question, when given, are exactly yes and no."""
    if q.options is not None and sorted(o.value for o in q.options) != ["no", "yes"]:
        return [("options", "the options of a yes_no question must be exactly 'yes' and 'no'")]
    return []


def _number_rules(q: Question) -> list[tuple[str, str]]:
    """min, when given with max, is not above it."""
    if q.min is not None and q.max is not None and q.min > q.max:
        return [("max", f"max must not be less than min (min is {show(q.min)}, max is {show(q.max)})")]
    return []


def _scale_rules(q: Question) -> list[tuple[str, str]]:
    """min and max present, whole and increasing; labels inside the scale."""
    found = []
    for bound in ("min", "max"):
        value = getattr(q, bound)
        if value is None:
            found.append((bound, f"a scale question needs {bound} (a whole number)"))
        elif not isinstance(value, int):
            found.append((bound, f"{bound} must be a whole number for a scale question"))
    low, high = q.min, q.max
    if found or not isinstance(low, int) or not isinstance(high, int):
        return found
    if low >= high:
        return [("max", f"max must be greater than min (min is {low}, max is {high})")]
    return [
        ("labels", f"label {k} is outside the scale {low}..{high}") for k, _ in q.labels or () if not low <= k <= high
    ]


def _never_scores(q: Question) -> str:
    return f"a {q.type} question never scores"


def _no_scored_option(q: Question) -> str:
    return f"this {q.type} question has no option with a score"


@dataclass(frozen=True)
class TypeRules:
    """A question type's template rules: its configuration checks, and why such a question cannot score."""

    config: Callable[[Question], list[tuple[str, str]]]
    unscorable: Callable[[Question], str] = _never_scores


TYPE_RULES_BY_TYPE: dict[QuestionType, TypeRules] = {
    QuestionType.YES_NO: TypeRules(_yes_no_rules, _no_scored_option),
    QuestionType.CHOICE: TypeRules(_choice_rules, _no_scored_option),
    QuestionType.SCALE: TypeRules(_scale_rules),
    QuestionType.NUMBER: TypeRules(_number_rules, lambda q: "a number question scores only with a pass_rule"),
    QuestionType.TEXT: TypeRules(_no_config_rules),
    QuestionType.PHOTO: TypeRules(_no_config_rules),
    QuestionType.DATE: TypeRules(_no_config_rules),
    QuestionType.TIME: TypeRules(_no_config_rules),
}
"""The template rules of each question type (the rules every type shares stay in _config_rules)."""


def _reference_rules(slots: list[Slot], loc: Locator) -> list[Issue]:
    """visible_if targets (known, earlier, not itself, not a photo), possible values, and reachable required questions."""
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for index, slot in enumerate(slots):
        if slot.key is not None:
            first.setdefault(slot.key, index)
    can_show: list[bool | None] = []
    for index, slot in enumerate(slots):
        q = slot.question
        state: bool | None = None if q is None else True
        if q is not None and q.visible_if is not None:
            state = _condition(index, slot, q, slots, first, can_show, loc, issues)
        can_show.append(state)
    return issues


def _condition(
    index: int,
    slot: Slot,
    q: Question,
    slots: list[Slot],
    first: dict[str, int],
    can_show: list[bool | None],
    loc: Locator,
    issues: list[Issue],
) -> bool | None:
    """Check one visible_if; return whether the question can ever be shown (None if unknown because of other errors)."""
    rule, at = q.visible_if, "visible_if.question"
    assert rule is not None
    target_key = rule.question
    if target_key == q.key:
        issues.append(loc.issue(slot.s, slot.j, at, "visible_if cannot depend on the question itself"))
        return None
    if target_key not in first:
        issues.append(
            loc.issue(slot.s, slot.j, at, f"visible_if names question '{target_key}', which is not in this checklist")
        )
        return None
    target_index = first[target_key]
    target = slots[target_index]
    if target_index > index:
        issues.append(
            loc.issue(
                slot.s,
                slot.j,
                at,
                f"visible_if names {loc.name(target.s, target.j)}, which comes "
                "later; a condition may only name an earlier question",
            )
        )
        return None
    if target.question is None or takes_photos(target.question.type):
        if target.question is not None:
            issues.append(loc.issue(slot.s, slot.j, at, f"visible_if cannot depend on photo question '{target_key}'"))
        return None
    if not target.sound:
        return None
    possible = False
    for k, value in enumerate(rule.values):
        problem = value_error(target.question, value)
        problem = problem or ("would be blank, and a blank answer counts as no answer" if is_blank(value) else None)
        if problem:
            issues.append(
                loc.issue(
                    slot.s,
                    slot.j,
                    f"visible_if.in[{k}]",
                    f"visible_if waits for {show(value)} from "
                    f"question '{target_key}', which it can never have: the answer {problem}",
                )
            )
        possible = possible or not problem
    shown = can_show[target_index]
    state = None if shown is None else shown and possible
    if q.required and state is False:
        why = (
            f"question '{target_key}' it depends on can never be shown"
            if shown is False
            else f"question '{target_key}' can never have any of the values it waits for"
        )
        issues.append(
            loc.issue(slot.s, slot.j, "visible_if", f"the question is required but can never be shown: {why}")
        )
    return state


def checklist_rules(loc: Locator) -> list[Issue]:
    """Every cross-field rule; questions whose own shape is broken are skipped (their errors come from the schema)."""
    issues = _section_rules(loc)
    slots = _slots(loc)
    if len(slots) > MAX_QUESTIONS:
        return issues + [
            loc.issue(
                None,
                None,
                "sections",
                f"a checklist has at most {MAX_QUESTIONS:,} questions (this one has {len(slots):,})",
            )
        ]
    seen: dict[str, Slot] = {}
    for slot in slots:
        if slot.key is not None and slot.key in seen:
            issues.append(
                loc.issue(
                    slot.s,
                    slot.j,
                    "key",
                    f"key '{shorten(slot.key)}' is already used by {loc.name(seen[slot.key].s, seen[slot.key].j)}",
                )
            )
        elif slot.key is not None:
            seen[slot.key] = slot
        if slot.question is not None:
            found, slot.sound = _config_rules(slot.question)
            issues += [loc.issue(slot.s, slot.j, rel, text) for rel, text in found]
    return issues + _reference_rules(slots, loc)
