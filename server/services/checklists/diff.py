"""What changed between two checklist versions, question by question (a plain computed diff)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.checklist_paths import iter_questions

COMPARED = (
    "text",
    "type",
    "weight",
    "critical",
    "options",
    "required",
    "allow_na",
    "min",
    "max",
    "pass_rule",
    "visible_if",
)
DEFAULTS = {"weight": 1, "critical": False, "required": False, "allow_na": False}


@dataclass(frozen=True)
class Change:
    """One question added, removed or changed; `fields` lists (field, before, after) for a change."""

    kind: str
    key: str | None  # None: a draft question without a key yet
    section: str
    text: str
    fields: tuple[tuple[str, Any, Any], ...] = field(default_factory=tuple)


def _questions(definition: dict) -> dict[str | None, tuple[str, dict]]:
    """Question key -> (section title, question) in checklist order (drafts: the key may be missing, None)."""
    found: dict[str | None, tuple[str, dict]] = {}
    for _, _, section, question in iter_questions(definition):
        found.setdefault(question.get("key"), (section.get("title") or section.get("key") or "", question))
    return found


def _value(question: dict, name: str) -> Any:
    return question.get(name, DEFAULTS.get(name))


def diff_versions(old: dict, new: dict) -> list[Change]:
    """Questions added, removed and changed (text, type, weight, critical, options, ...) from `old` to `new`."""
    before, after = _questions(old), _questions(new)
    changes = [
        Change("added", key, section, q.get("text", "")) for key, (section, q) in after.items() if key not in before
    ]
    changes += [
        Change("removed", key, section, q.get("text", "")) for key, (section, q) in before.items() if key not in after
    ]
    for key, (section, q) in after.items():
        if key in before:
            old_q = before[key][1]
            fields = tuple(
                (name, _value(old_q, name), _value(q, name))
                for name in COMPARED
                if _value(old_q, name) != _value(q, name)
            )
            if before[key][0] != section:
                fields += (("section", before[key][0], section),)
            if fields:
                changes.append(Change("changed", key, section, q.get("text", ""), fields))
    return changes
