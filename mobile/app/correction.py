"""Visits the shopper must correct (returned by the reviewer, or refused by the server) and which questions the
reviewer's note names.

Matching rule (case-insensitive, whole words, underscores read as spaces, runs of spaces as one): a question is
named when the note mentions

- its key ("price_matched" or "price matched"),
- its whole text (without the closing "?" or "."), or the text's lead up to a colon ("Price check: did..." is
  named by "price check"; a lead of one word is not enough),
- or its section, by title next to the word "section" (every question of that section: "redo the Integrity
  section", "section Integrity: ..."); a title alone ("poor quality") names nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mobile.store import LocalVisit, VisitState
from shared.checklist import Checklist

REFUSED = frozenset({VisitState.INVALID, VisitState.ERROR})
"""The server refused the visit: the shopper fixes it (or sends it again) from the Needs correction group."""


def needs_correction(visit: LocalVisit) -> bool:
    """Returned by the reviewer (a correction is expected) or refused by the server."""
    return visit.correctable or visit.state in REFUSED


def is_correction(visit: LocalVisit) -> bool:
    """A draft reopened for correction: it carries the server's revision it corrects."""
    return visit.editable and visit.base_revision is not None


def _normal(text: str) -> str:
    return " ".join(text.replace("_", " ").casefold().split())


def _mentions(note: str, phrase: str) -> bool:
    """Whether the (normalised) note holds the phrase as whole words."""
    phrase = _normal(phrase).rstrip("?.!: ")
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", note) is not None


def _lead(text: str) -> str:
    """The part of a question's text before its first colon, when it is a name of two words or more."""
    head, colon, _rest = text.partition(":")
    return head if colon and len(head.split()) >= 2 else ""


def named_questions(note: str, checklist: Checklist) -> frozenset[str]:
    """The keys of the questions the reviewer's note names (the rule is in the module's docstring)."""
    text = _normal(note)
    if not text:
        return frozenset()
    named: set[str] = set()
    for section in checklist.sections:
        whole = _mentions(text, f"{section.title} section") or _mentions(text, f"section {section.title}")
        for question in section.questions:
            phrases: Iterable[str] = (question.key, question.text, _lead(question.text))
            if whole or any(_mentions(text, p) for p in phrases if p):
                named.add(question.key)
    return frozenset(named)
