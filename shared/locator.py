"""Names the sections and questions of a raw checklist document, so every issue says where it is in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checklist_paths import question_path, raw_questions, raw_sections, section_path
from .checklist_schema import MAX_SECTIONS
from .errors import Issue, sentence, shorten
from .fields import SLUG


class Locator:
    """Names the sections and questions of a raw document ("section 'arrival' (1), question 'x' (2)") for messages."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.sections: list[Any] = raw_sections(data)[:MAX_SECTIONS]

    def _key(self, item: Any) -> str | None:
        """The raw "key" of a section or question object, if it is a string."""
        key = item.get("key") if isinstance(item, dict) else None
        return key if isinstance(key, str) else None

    def question_key(self, s: int, j: int) -> str | None:
        """The raw key of question j of section s, if it is a string."""
        questions = raw_questions(self.sections[s]) if s < len(self.sections) else []
        return self._key(questions[j]) if j < len(questions) else None

    def name(self, s: int | None, j: int | None = None) -> str:
        """Human name of a section or question by position; empty for the checklist itself."""
        if s is None:
            return ""
        key = self._key(self.sections[s]) if s < len(self.sections) else None
        text = f"section '{shorten(key)}' ({s + 1})" if key else f"section ({s + 1})"
        if j is not None:
            qkey = self.question_key(s, j)
            text += f", question '{shorten(qkey)}' ({j + 1})" if qkey else f", question ({j + 1})"
        return text

    def issue(self, s: int | None, j: int | None, rel: str, text: str) -> Issue:
        """An Issue at a position plus a relative path, its message prefixed with the section and question names."""
        if s is None:
            path, key = rel, None
        elif j is None:
            path, key = section_path(s, rel), None
        else:
            path, key = question_path(s, j, rel), self.question_key(s, j)
        name = self.name(s, j)
        return Issue(path, f"{name}: {text}" if name else text, key if key and SLUG.match(key) else None)

    def structural(self, s: int | None, j: int | None, rel: str, message: str) -> Issue:
        """An Issue for a marshmallow error at a relative path: ``weight must be a number >= 0``."""
        return self.issue(s, j, rel, sentence(rel, message))
