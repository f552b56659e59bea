"""Section titles and question texts for roll-ups, read from the checklist versions behind the counted visits.

Keys are stable across versions; when versions disagree on a title or text, the newest version wins,
and display order follows the newest version (keys only older versions have come after, in their order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from server.extensions import DbSession
from server.models import TemplateVersion, Visit
from server.services.checklists.versions import checklist_of


@dataclass(frozen=True)
class QuestionLabel:
    """How to show a question: its text, section and place, and whether it is critical."""

    order: int
    text: str
    section_key: str
    critical: bool


@dataclass
class Labels:
    """Section key -> (order, title) and question key -> QuestionLabel."""

    sections: dict[str, tuple[int, str]] = field(default_factory=dict)
    questions: dict[str, QuestionLabel] = field(default_factory=dict)

    def section_title(self, key: str) -> str:
        """The title of a section, or its key if no version names it."""
        return self.sections.get(key, (0, key))[1]

    def section_order(self, key: str) -> tuple[int, str]:
        """Sort key putting sections in checklist order."""
        return self.sections.get(key, (len(self.sections), key))[0], key

    def question(self, key: str, section_key: str = "") -> QuestionLabel:
        """The label of a question (its key as text if no version names it)."""
        return self.questions.get(key) or QuestionLabel(len(self.questions), key, section_key, False)


def labels_for(session: DbSession, version_ids: Iterable[int]) -> Labels:
    """Labels from these template versions, newest first taking precedence."""
    labels = Labels()
    ids = sorted(set(version_ids))
    if not ids:
        return labels
    versions = session.scalars(
        select(TemplateVersion)
        .where(TemplateVersion.id.in_(ids))
        .order_by(TemplateVersion.template_id, TemplateVersion.number.desc())
    )
    for version in versions:
        for section in checklist_of(version).sections:
            labels.sections.setdefault(section.key, (len(labels.sections), section.title))
            for question in section.questions:
                labels.questions.setdefault(
                    question.key, QuestionLabel(len(labels.questions), question.text, section.key, question.critical)
                )
    return labels


def versions_of(session: DbSession, *where) -> list[int]:
    """The distinct template versions of the visits matching `where` (a small DISTINCT query)."""
    return list(session.scalars(select(Visit.template_version_id).where(*where).distinct()))
