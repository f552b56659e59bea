"""Which pass marks a period's roll-up is judged by: those of the newest checklist version counted in it.

A branch or region is below target in a period when its period score (as published, 2 decimals) is below
the pass mark of the newest checklist version (highest version id: the latest published) among the visits
counted there in the period. One version decides for the whole table, so every branch of a league is judged by
the same mark; when a period mixes versions with different marks, the latest one is the target the
organisation now sets. Each visit on its own is judged by its own version (`shared.targets.judge`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Branch, TemplateVersion, Visit
from server.services.checklists.versions import checklist_of
from server.services.scores.filters import Scope, counted
from shared.checklist import Number
from shared.targets import is_below, section_pass_marks


@dataclass(frozen=True)
class Targets:
    """The pass marks a roll-up is judged by, and the version (id, number) they come from; empty = no targets."""

    pass_mark: Number | None = None
    sections: dict[str, Number] = field(default_factory=dict)
    version_id: int | None = None
    version_number: int | None = None

    def below(self, score: float | None) -> bool | None:
        """Whether a period score is below the pass mark (None: no pass mark, or no score)."""
        return is_below(score, self.pass_mark)

    def section_below(self, key: str, percent: float | None) -> bool | None:
        """Whether a section's period percent is below that section's pass mark (None: no mark or no percent)."""
        return is_below(percent, self.sections.get(key))


NO_TARGETS = Targets()


def _targets_of(version: TemplateVersion | None) -> Targets:
    """The Targets a version's definition sets (its checklist is loaded once per version, see checklist_of)."""
    if version is None:
        return NO_TARGETS
    checklist = checklist_of(version)
    return Targets(checklist.pass_mark, section_pass_marks(checklist), version.id, version.number)


def region_targets(session: DbSession, region_id: int, scope: Scope) -> Targets:
    """The targets of a region's period: one statement, the newest version among its counted visits."""
    newest = (
        select(func.max(Visit.template_version_id))
        .join(Branch, Branch.id == Visit.branch_id)
        .where(*counted(scope), Branch.region_id == region_id)
        .scalar_subquery()
    )
    return _targets_of(session.scalars(select(TemplateVersion).where(TemplateVersion.id == newest)).first())


def regions_targets(session: DbSession, region_ids: Sequence[int], scope: Scope) -> dict[int, Targets]:
    """region_targets of several regions in one statement (regions without counted visits are absent)."""
    newest = (
        select(Branch.region_id.label("region_id"), func.max(Visit.template_version_id).label("version_id"))
        .join(Branch, Branch.id == Visit.branch_id)
        .where(*counted(scope), Branch.region_id.in_(region_ids))
        .group_by(Branch.region_id)
        .subquery()
    )
    rows = session.execute(
        select(newest.c.region_id, TemplateVersion).join(newest, TemplateVersion.id == newest.c.version_id)
    )
    return {region_id: _targets_of(version) for region_id, version in rows}
