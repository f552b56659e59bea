"""Names the sections and questions of a raw checklist document, so every issue says where it is in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checklist_schema import MAX_SECTIONS
from .errors import Issue, sentence, shorten
from .fields import SLUG


class Locator:
    """Names the sections and questions of a raw document ("section 'arrival' (1), question 'x' (2)") for messages."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        sections = data.get("sections")
        self.sections: list[Any] = sections[:MAX_SECTIONS] if isinstance(sections, list) else []

    def _key(self, item: Any) -> str | None:
        """The raw "key" of a section or question object, if it is a string."""
        key = item.get("key") if isinstance(item, dict) else None
        return key if isinstance(key, str) else None

    def question_key(self, s: int, j: int) -> str | None:
        """The raw key of question j of section s, if it is a string."""
        section = self.sections[s] if s < len(self.sections) else None
        questions = section.get("questions") if isinstance(section, dict) else None
        return self._key(questions[j]) if isinstance(questions, list) and j < len(questions) else None

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
        base = "" if s is None else f"sections[{s}]" + ("" if j is None else f".questions[{j}]")
        path = f"{base}.{rel}" if base and rel else base or rel
        name = self.name(s, j)
        key = None if j is None else self.question_key(s, j)
        return Issue(path, f"{name}: {text}" if name else text, key if key and SLUG.match(key) else None)

    def structural(self, s: int | None, j: int | None, rel: str, message: str) -> Issue:
        """An Issue for a marshmallow error at a relative path: ``weight must be a number >= 0``."""
        return self.issue(s, j, rel, sentence(rel, message))
