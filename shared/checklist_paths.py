"""Raw checklist documents (JSON dicts, maybe unfinished drafts): walk their questions, name places by path."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

RawQuestion = tuple[int, int, dict[str, Any], dict[str, Any]]
"""(section index, question index, section, question) of one question in a raw document."""

_PLACE = re.compile(r"sections\[(\d+)\](?:\.questions\[(\d+)\])?")
_PATH = re.compile(_PLACE.pattern + r"(?:\.(.*))?\Z", re.S)


def raw_sections(raw: Any) -> list[Any]:
    """The raw "sections" list of a document, or [] when there is none."""
    sections = raw.get("sections") if isinstance(raw, Mapping) else None
    return sections if isinstance(sections, list) else []


def raw_questions(section: Any) -> list[Any]:
    """The raw "questions" list of a section, or [] when there is none."""
    questions = section.get("questions") if isinstance(section, Mapping) else None
    return questions if isinstance(questions, list) else []


def iter_questions(raw: Any) -> Iterator[RawQuestion]:
    """Every question object of a raw document in order; entries that are not objects are skipped, indexes stay true."""
    for s, section in enumerate(raw_sections(raw)):
        if not isinstance(section, dict):
            continue
        for j, question in enumerate(raw_questions(section)):
            if isinstance(question, dict):
                yield s, j, section, question


def find_question(raw: Any, key: object) -> RawQuestion | None:
    """The first question whose key is ``key``, or None."""
    return next((found for found in iter_questions(raw) if found[3].get("key") == key), None)


def section_path(s: int, field: str | None = None) -> str:
    """The path of section s or of one of its fields: ``sections[1].weight``."""
    return f"sections[{s}]" + (f".{field}" if field else "")


def question_path(s: int, j: int, field: str | None = None) -> str:
    """The path of question j of section s or of one of its fields: ``sections[1].questions[2].type``."""
    return f"{section_path(s)}.questions[{j}]" + (f".{field}" if field else "")


def path_place(path: str) -> tuple[int | None, int | None]:
    """(section index, question index) of the section or question a path starts in; None where it names none."""
    match = _PLACE.match(path)
    if not match:
        return None, None
    s, j = match.groups()
    return int(s), None if j is None else int(j)


def parse_path(path: str) -> tuple[int | None, int | None, str]:
    """(section index, question index, rest) of a path; the indexes are None above that level."""
    match = _PATH.match(path)
    if not match:
        return None, None, path
    s, j, rest = match.groups()
    return int(s), None if j is None else int(j), rest or ""
