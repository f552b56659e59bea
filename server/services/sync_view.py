"""What a user's device may hold, judged per object for the sync pull: "upsert", "delete" or None (not theirs).

A stricter cousin of permissions.py: it never reaches further than the permission rules, and
it also says when something the user knew of is no longer theirs to hold (a cancelled
assignment, a retired checklist version, a deactivated branch), which the pull turns into a
tombstone. None means the user has no business knowing the object exists: the pull sends
nothing about it unless a change row was addressed to that user.

shopper: their assignments (not cancelled), the active branches of those and of their visits,
the published versions of the checklists those use or that allow ad-hoc visits (plus the
pinned version of a visit returned to them), and their own visits.
manager: assignments and active branches of their regions, every published version.
admin: every assignment (not cancelled), active branch and published version.
Visits only ever go to their own shopper.
"""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (Assignment, AssignmentStatus, Branch, Role, TemplateVersion, User, VersionStatus, Visit,
                      VisitStatus, manager_regions)
from ..permissions import role_of

UPSERT, DELETE = "upsert", "delete"


def _verdict(known: bool, visible: bool) -> str | None:
    return (UPSERT if visible else DELETE) if known else None


def _adhoc(version: TemplateVersion) -> bool:
    return bool(version.definition.get("allow_adhoc")) if isinstance(version.definition, dict) else False


class SyncView:
    """One user's view for one pull; the few id sets it needs are read once, lazily."""

    def __init__(self, session: Session, user: User):
        self.session, self.user, self.role = session, user, role_of(user)

    def _ids(self, query) -> frozenset:
        return frozenset(self.session.scalars(query))

    @cached_property
    def _regions(self) -> frozenset[int]:
        return self._ids(select(manager_regions.c.region_id).where(manager_regions.c.user_id == self.user.id))

    def _assigned(self, column, active_only: bool) -> frozenset:
        query = select(column).where(Assignment.shopper_id == self.user.id)
        if active_only:
            query = query.where(Assignment.status != AssignmentStatus.CANCELLED)
        return self._ids(query)

    @cached_property
    def _active_branches(self) -> frozenset[int]:
        return self._assigned(Assignment.branch_id, True) | self._visited_branches

    @cached_property
    def _known_branches(self) -> frozenset[int]:
        return self._assigned(Assignment.branch_id, False) | self._visited_branches

    @cached_property
    def _visited_branches(self) -> frozenset[int]:
        return self._ids(select(Visit.branch_id).where(Visit.shopper_id == self.user.id))

    @cached_property
    def _active_templates(self) -> frozenset[int]:
        return self._assigned(Assignment.template_id, True)

    @cached_property
    def _known_templates(self) -> frozenset[int]:
        visited = select(TemplateVersion.template_id).join(Visit, Visit.template_version_id == TemplateVersion.id)
        return self._assigned(Assignment.template_id, False) | self._ids(
            visited.where(Visit.shopper_id == self.user.id))

    @cached_property
    def _returned_versions(self) -> frozenset[int]:
        return self._ids(select(Visit.template_version_id).where(
            Visit.shopper_id == self.user.id, Visit.status == VisitStatus.RETURNED))

    def assignment(self, assignment: Assignment) -> str | None:
        """Live assignments are held; a cancelled one is withdrawn."""
        live = assignment.status is not AssignmentStatus.CANCELLED
        if self.role is Role.SHOPPER:
            return _verdict(assignment.shopper_id == self.user.id, live)
        if self.role is Role.MANAGER:
            return _verdict(assignment.branch.region_id in self._regions, live)
        return _verdict(self.role is Role.ADMIN, live)

    def branch(self, branch: Branch) -> str | None:
        """Active branches the user works at (shopper) or oversees (manager, admin)."""
        if self.role is Role.SHOPPER:
            return _verdict(branch.id in self._known_branches, branch.active and branch.id in self._active_branches)
        if self.role is Role.MANAGER:
            return _verdict(branch.region_id in self._regions, branch.active)
        return _verdict(self.role is Role.ADMIN, branch.active)

    def version(self, version: TemplateVersion) -> str | None:
        """Published versions of the checklists the user needs; retired ones are withdrawn."""
        published = version.status is VersionStatus.PUBLISHED
        if self.role is Role.SHOPPER:
            known = version.template_id in self._known_templates or _adhoc(version)
            needed = version.template_id in self._active_templates or _adhoc(version)
            return _verdict(known or version.id in self._returned_versions,
                            (published and needed) or version.id in self._returned_versions)
        return _verdict(self.role in (Role.MANAGER, Role.ADMIN), published)

    def visit(self, visit: Visit) -> str | None:
        """A visit goes only to its own shopper's devices."""
        return _verdict(self.role is Role.SHOPPER and visit.shopper_id == self.user.id, True)
