"""Issues (a field path plus a human message) and the exceptions carrying them, so every layer reports errors alike."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")


def first_and_more(messages: Iterable[str], what: str = "") -> str:
    """The first message, and how many others there are: "x (and 2 more)", "x (and 2 more problems)"; "" for none."""
    listed = list(messages)
    if not listed:
        return ""
    others = f"{len(listed) - 1} more" + (f" {what}" if what else "")
    return listed[0] + (f" (and {others})" if len(listed) > 1 else "")


@dataclass(frozen=True)
class Issue:
    """One problem: where (``sections[0].questions[2].weight``), what in words, and the question key if one is concerned."""

    path: str
    message: str
    question: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for API responses."""
        data: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.question is not None:
            data["question"] = self.question
        return data


class InvalidDocument(ValueError):
    """A document broke the format; ``issues`` lists every problem found, not only the first."""

    kind = "document"

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        summary = first_and_more(issue.message for issue in self.issues) or "no details"
        super().__init__(f"invalid {self.kind}: {summary}")

    def to_list(self) -> list[dict[str, Any]]:
        """The issues in JSON-ready form."""
        return [issue.to_dict() for issue in self.issues]


class ChecklistInvalid(InvalidDocument):
    """A checklist (template version) document is invalid."""

    kind = "checklist"


class VisitInvalid(InvalidDocument):
    """A completed-visit document is malformed (its shape, before any checklist is consulted)."""

    kind = "visit"


def shorten(text: str, limit: int = 40) -> str:
    """Cut user text for a message so hostile input cannot bloat errors."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any) -> str:
    """A short quoted rendering of a JSON value for messages: 'text', 3, true."""
    if isinstance(value, str):
        return "'" + shorten(value) + "'"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    return type(value).__name__


def join_path(base: str, part: str | int) -> str:
    """Extend a path with a list index (``[3]``) or a field name (``.weight``); odd names are quoted and cut."""
    if isinstance(part, int):
        return f"{base}[{part}]"
    if part == "_schema":
        return base
    if not _NAME.match(part):
        return f"{base}[{json.dumps(shorten(part))}]"
    return f"{base}.{part}" if base else part


def flatten_messages(messages: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Flatten marshmallow's nested error dict into (path, message) pairs in document order."""
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from flatten_messages(value, join_path(path, key))
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            yield from flatten_messages(item, path)
    else:
        yield path, str(messages)


def split_path(path: str, prefix: str) -> tuple[int | None, str]:
    """Split ``answers[3].value`` at a list named ``prefix`` into (3, "value"); (None, path) when it does not start so."""
    match = re.match(re.escape(prefix) + r"\[(\d+)\](?:\.(.*))?\Z", path, re.S)
    if not match:
        return None, path
    return int(match.group(1)), match.group(2) or ""


def sentence(subject: str, message: str) -> str:
    """Join a field path and its message: ``weight must be a number >= 0``."""
    return f"{subject} {message}" if subject else message
