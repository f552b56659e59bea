"""What a user's device may hold, for the sync pull: which change rows to read (SQL) and, per object, "upsert",
"delete" or None (not theirs).

A stricter cousin of permissions.py: it never reaches further than the permission rules (the
assignment rule is permissions.py's own, so web and API agree), and it also says when something
the user knew of is no longer theirs to hold (a cancelled assignment, a retired checklist
version, a deactivated branch), which the pull turns into a tombstone. None means the user has
no business knowing the object exists: the pull sends nothing about it unless a change row was
addressed to that user.

shopper: their assignments (not cancelled), the active branches of those and of their visits,
the published versions of the checklists those use or that allow ad-hoc visits (plus the
pinned version of a visit returned to them), and their own visits.
manager: the active branches of their regions and every published version; never an
assignment (the schedule is confidential) and never a visit.
admin: every assignment (not cancelled), active branch and published version; no visits.
Visits only ever go to their own shopper.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Literal

from sqlalchemy import Row, String, and_, cast, false, literal, null, or_, select, union

from server.extensions import DbSession
from server.models import (
    Assignment,
    AssignmentStatus,
    Branch,
    Change,
    Role,
    TemplateVersion,
    User,
    VersionStatus,
    Visit,
    VisitStatus,
    manager_regions,
)
from server.permissions import can_view_assignment, role_of

UPSERT, DELETE = "upsert", "delete"
SYNCED = ("template_version", "branch", "assignment", "visit")


def _verdict(known: bool, visible: bool) -> str | None:
    """upsert (held), delete (known but no longer held) or None (never theirs to know of)."""
    return (UPSERT if visible else DELETE) if known else None


def allows_adhoc(version: TemplateVersion) -> bool:
    """Whether a version's checklist allows visits without an assignment (then every shopper holds it)."""
    return bool(version.definition.get("allow_adhoc")) if isinstance(version.definition, dict) else False


def managed_region_ids(user: User):
    """SELECT of the ids of the regions a manager follows."""
    return select(manager_regions.c.region_id).where(manager_regions.c.user_id == user.id)


def worked_branch_ids_as_text(user: User):
    """SELECT of the ids (as change-row text) of branches where the shopper has or had an assignment or a visit."""
    return union(
        select(cast(Assignment.branch_id, String)).where(Assignment.shopper_id == user.id),
        select(cast(Visit.branch_id, String)).where(Visit.shopper_id == user.id),
    )


def addressed_to(user: User):
    """SQL condition on `changes`: the rows this user's pull reads; rows meant for others are never read.

    Everyone: rows addressed to them, and published-version rows addressed to nobody in particular.
    Region rows (branches): admins all, managers those of their regions, shoppers those naming a
    branch they work at. Admins also read every assignment row (they may hold every assignment).
    """
    role = role_of(user)
    if role is None:
        return false()
    mine = Change.audience_user_id == user.id
    everyone = and_(
        Change.entity == "template_version", Change.audience_user_id.is_(None), Change.audience_region_id.is_(None)
    )
    regional = and_(
        Change.entity == "branch", Change.audience_user_id.is_(None), Change.audience_region_id.is_not(None)
    )
    if role is Role.ADMIN:
        return or_(mine, everyone, regional, Change.entity == "assignment")
    if role is Role.MANAGER:
        return or_(mine, everyone, and_(regional, Change.audience_region_id.in_(managed_region_ids(user))))
    return or_(mine, everyone, and_(regional, Change.entity_id.in_(worked_branch_ids_as_text(user))))


class SyncView:
    """One user's view for one pull; the few id sets it needs are read once, lazily (one query)."""

    def __init__(self, session: DbSession, user: User):
        self.session, self.user, self.role = session, user, role_of(user)

    @cached_property
    def _regions(self) -> frozenset[int]:
        return frozenset(self.session.scalars(managed_region_ids(self.user)))

    @cached_property
    def _facts(self) -> tuple[list[tuple[int, int, AssignmentStatus]], list[tuple[int, int, int, VisitStatus]]]:
        """In one query: (branch, template, status) of the shopper's assignments, and (branch, template,
        pinned version, status) of their visits."""
        assigned = select(
            literal("a"), Assignment.branch_id, Assignment.template_id, null(), cast(Assignment.status, String)
        ).where(Assignment.shopper_id == self.user.id)
        visited = (
            select(
                literal("v"),
                Visit.branch_id,
                TemplateVersion.template_id,
                Visit.template_version_id,
                cast(Visit.status, String),
            )
            .join(TemplateVersion, TemplateVersion.id == Visit.template_version_id)
            .where(Visit.shopper_id == self.user.id)
        )
        # (kind, branch, template, pinned version or null, status): untyped, as union() of unlike SELECTs infers none
        rows: Sequence[Row[*tuple[Any, ...]]] = self.session.execute(union(assigned, visited)).all()
        return (
            [(b, t, AssignmentStatus(s)) for kind, b, t, _, s in rows if kind == "a"],
            [(b, t, v, VisitStatus(s)) for kind, b, t, v, s in rows if kind == "v"],
        )

    @property
    def _assigned(self) -> list[tuple[int, int, AssignmentStatus]]:
        """(branch, template, status) of every assignment the shopper has or had."""
        return self._facts[0]

    @property
    def _visited(self) -> list[tuple[int, int, int, VisitStatus]]:
        """(branch, template, pinned version, status) of every visit of the shopper."""
        return self._facts[1]

    def _assigned_where(self, index: Literal[0, 1], active_only: bool) -> frozenset[int]:
        return frozenset(
            row[index] for row in self._assigned if not active_only or row[2] is not AssignmentStatus.CANCELLED
        )

    @cached_property
    def _active_branches(self) -> frozenset[int]:
        return self._assigned_where(0, True) | {row[0] for row in self._visited}

    @cached_property
    def _known_branches(self) -> frozenset[int]:
        return self._assigned_where(0, False) | {row[0] for row in self._visited}

    @cached_property
    def _active_templates(self) -> frozenset[int]:
        return self._assigned_where(1, True)

    @cached_property
    def _known_templates(self) -> frozenset[int]:
        return self._assigned_where(1, False) | {row[1] for row in self._visited}

    @cached_property
    def _returned_versions(self) -> frozenset[int]:
        return frozenset(row[2] for row in self._visited if row[3] is VisitStatus.RETURNED)

    def assignment(self, assignment: Assignment) -> str | None:
        """Live assignments are held by whoever may see them (permissions.py); a cancelled one is withdrawn."""
        live = assignment.status is not AssignmentStatus.CANCELLED
        return _verdict(can_view_assignment(self.user, assignment), live)

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
            known = version.template_id in self._known_templates or allows_adhoc(version)
            needed = version.template_id in self._active_templates or allows_adhoc(version)
            return _verdict(
                known or version.id in self._returned_versions,
                (published and needed) or version.id in self._returned_versions,
            )
        return _verdict(self.role in (Role.MANAGER, Role.ADMIN), published)

    def visit(self, visit: Visit) -> str | None:
        """A visit goes only to its own shopper's devices."""
        return _verdict(self.role is Role.SHOPPER and visit.shopper_id == self.user.id, True)
