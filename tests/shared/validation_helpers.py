"""Helpers for the checklist validation tests: find the issues at a path and check they name the right place."""

from __future__ import annotations

from shared.errors import Issue
from shared.validation import validate_checklist


def issues_at(document: dict, path: str) -> list[Issue]:
    """The issues a document gets at exactly this path."""
    return [issue for issue in validate_checklist(document) if issue.path == path]


def only_issue_at(document: dict, path: str) -> Issue:
    """The single issue the document gets at this path, after checking nothing else is wrong."""
    found = validate_checklist(document)
    assert [i.path for i in found] == [path], found
    return found[0]


def assert_names(issue: Issue, section: str, s: int, question: str | None = None, j: int | None = None) -> None:
    """The message names the section (and question) by key and 1-based position."""
    expected = f"section '{section}' ({s})" + (f", question '{question}' ({j})" if question else "") + ": "
    assert issue.message.startswith(expected), issue.message
