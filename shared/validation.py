"""Checklist (template version) validation: every error at once, each with a field path and a message naming its place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checklist import Checklist
from .checklist_paths import parse_path
from .checklist_schema import ChecklistSchema
from .errors import ChecklistInvalid, Issue, flatten_messages
from .locator import Locator
from .template_rules import checklist_rules


def _sort_key(issue: Issue) -> tuple[int, int]:
    """Document order: checklist-level issues first, then by section and question."""
    s, j, _ = parse_path(issue.path)
    return (-1 if s is None else s, -1 if j is None else j)


def validate_checklist(data: Any) -> list[Issue]:
    """Every problem of a checklist document, in document order (empty list = valid)."""
    if not isinstance(data, Mapping):
        return [Issue("", "a checklist must be a JSON object")]
    loc = Locator(data)
    issues = []
    for path, message in flatten_messages(ChecklistSchema().validate(data)):
        s, j, rest = parse_path(path)
        issues.append(loc.structural(s, j, rest, message))
    issues += checklist_rules(loc)
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=_sort_key)


def load_checklist(data: Any) -> Checklist:
    """Load a checklist document into a Checklist; raises ChecklistInvalid with every issue if any rule is broken."""
    issues = validate_checklist(data)
    if issues:
        raise ChecklistInvalid(issues)
    checklist: Checklist = ChecklistSchema().load(data)
    return checklist
