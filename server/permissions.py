"""Who may see what (docs/architecture.md, Roles, permissions and confidentiality): the rules every page, endpoint and service asks.

admin: everything. manager: the branches of their regions and the visits made there, never
an assignment. shopper: their own assignments and visits, and the branches those are at.
Deactivated and anonymous users see nothing. Queries (`visible_*`) and per-object checks
(`can_view_*`) answer the same question and are tested to agree.

Confidentiality rule of mystery shopping (docs/architecture.md, Roles, permissions and confidentiality): managers are the audited side, so
the schedule (assignments: when a visit will happen, and their notes) is for admins and the
assignment's own shopper only. Managers learn of a visit once it has happened. Web pages, the
sync feed (services/sync/view.py), the scores and report APIs, CSV and PDFs all ask the rule
below (`can_view_assignment`, `visible_assignments_query`); nothing else reads assignments for
a manager.

These are the rules only, without HTTP: services import them. The HTTP half (a 404 for what the caller may not
see, the role decorator answering 401/403) is server.http.access.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, exists, false, or_, select

from server.extensions import db
from server.models import Assignment, Branch, CorrectiveAction, Job, Region, Role, User, Visit, manager_regions

MAX_INT_ID = 2**31 - 1  # PostgreSQL INTEGER; larger ids cannot exist and must not reach the driver

READER_ROLES = (Role.ADMIN, Role.MANAGER)
"""Who reads results: visit pages, dashboards, score roll-ups and PDF reports (in their scope, see above)."""


def role_of(user: Any) -> Role | None:
    """The role of a signed-in, active user; None for anonymous or deactivated ones."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return None
    return user.role


def can_manage(user: Any) -> bool:
    """Admins configure and review everything; nobody else changes shared data."""
    return role_of(user) is Role.ADMIN


def scope_of(user: Any) -> str:
    """What the user's view is bounded by: "all", "regions", "own" or "none"."""
    scopes: dict[Role | None, str] = {Role.ADMIN: "all", Role.MANAGER: "regions", Role.SHOPPER: "own"}
    return scopes.get(role_of(user), "none")


def _managed_region_ids(user: Any) -> Select:
    return select(manager_regions.c.region_id).where(manager_regions.c.user_id == user.id)


def _managed_branch_ids(user: Any) -> Select:
    return select(Branch.id).where(Branch.region_id.in_(_managed_region_ids(user)))


def visible_region_ids(user: Any) -> Select:
    """SELECT of the region ids the user may see (use in `.in_()` or run it)."""
    role = role_of(user)
    if role is Role.ADMIN:
        return select(Region.id)
    if role is Role.MANAGER:
        return _managed_region_ids(user)
    return select(Region.id).where(false())


def visible_regions_query(user: Any) -> Select:
    """Regions the user may see, by name: all for admins, their own for managers, none for shoppers."""
    query = select(Region).order_by(Region.name, Region.id)
    return query if role_of(user) is Role.ADMIN else query.where(Region.id.in_(visible_region_ids(user)))


def visible_branches_query(user: Any) -> Select:
    """Branches the user may see, by code."""
    query = select(Branch).order_by(Branch.code)
    role = role_of(user)
    if role is Role.ADMIN:
        return query
    if role is Role.MANAGER:
        return query.where(Branch.region_id.in_(_managed_region_ids(user)))
    if role is Role.SHOPPER:
        assigned = select(Assignment.branch_id).where(Assignment.shopper_id == user.id)
        visited = select(Visit.branch_id).where(Visit.shopper_id == user.id)
        return query.where(or_(Branch.id.in_(assigned), Branch.id.in_(visited)))
    return query.where(false())


def _scoped_to_role(query: Select, user: Any, branch_column: Any, owner_column: Any) -> Select:
    """Admins see all rows; managers those at branches of their regions; shoppers their own."""
    role = role_of(user)
    if role is Role.ADMIN:
        return query
    if role is Role.MANAGER:
        return query.where(branch_column.in_(_managed_branch_ids(user)))
    if role is Role.SHOPPER:
        return query.where(owner_column == user.id)
    return query.where(false())


def visible_visits_query(user: Any) -> Select:
    """Visits the user may see, newest first."""
    query = select(Visit).order_by(Visit.finished_at.desc())
    return _scoped_to_role(query, user, Visit.branch_id, Visit.shopper_id)


def sees_schedules(user: Any) -> bool:
    """Whether the user may see assignments at all: admins and shoppers (their own), never managers."""
    return role_of(user) in (Role.ADMIN, Role.SHOPPER)


def visible_assignments_query(user: Any) -> Select:
    """Assignments the user may see, soonest due first: all for admins, their own for shoppers, none for managers."""
    query = select(Assignment).order_by(Assignment.due_to, Assignment.due_from)
    if not sees_schedules(user):
        return query.where(false())
    return _scoped_to_role(query, user, Assignment.branch_id, Assignment.shopper_id)


def _manages_region(user: Any, region_id: int) -> bool:
    return any(region.id == region_id for region in user.regions)


def can_view_region(user: Any, region: Region) -> bool:
    """Admins see every region, managers their own."""
    role = role_of(user)
    return role is Role.ADMIN or (role is Role.MANAGER and _manages_region(user, region.id))


def can_view_branch(user: Any, branch: Branch) -> bool:
    """Admins: all; managers: in their regions; shoppers: where they have an assignment or a visit."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    if role is Role.MANAGER:
        return _manages_region(user, branch.region_id)
    if role is Role.SHOPPER:
        assigned = exists().where(Assignment.shopper_id == user.id, Assignment.branch_id == branch.id)
        visited = exists().where(Visit.shopper_id == user.id, Visit.branch_id == branch.id)
        return bool(db.session.scalar(select(or_(assigned, visited))))
    return False


def _can_view_owned(user: Any, branch: Branch, shopper_id: int) -> bool:
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    if role is Role.MANAGER:
        return _manages_region(user, branch.region_id)
    return role is Role.SHOPPER and shopper_id == user.id


def can_view_visit(user: Any, visit: Visit) -> bool:
    """Admins: all; managers: visits at branches of their regions; shoppers: their own."""
    return _can_view_owned(user, visit.branch, visit.shopper_id)


def can_view_assignment(user: Any, assignment: Assignment) -> bool:
    """Admins: all; shoppers: their own; managers: none (the schedule is confidential, see the module docstring)."""
    role = role_of(user)
    return role is Role.ADMIN or (role is Role.SHOPPER and assignment.shopper_id == user.id)


def visible_jobs_query(user: Any) -> Select:
    """Background jobs the user may see, newest first: admins all, everyone else those they started."""
    query = select(Job).order_by(Job.created_at.desc())
    role = role_of(user)
    if role is Role.ADMIN:
        return query
    return query.where(Job.owner_id == user.id) if role is not None else query.where(false())


def can_view_job(user: Any, job: Job) -> bool:
    """Admins: every job; anyone else: the jobs they started (a report's result is as private as the report)."""
    role = role_of(user)
    return role is Role.ADMIN or (role is not None and job.owner_id == user.id)


def visible_actions_query(user: Any) -> Select:
    """Corrective actions the user may see, soonest due first: admins all; managers those of their regions'
    branches and those they own; shoppers none (they are the auditors, never the audited side)."""
    query = select(CorrectiveAction).order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    role = role_of(user)
    if role is Role.ADMIN:
        return query
    if role is Role.MANAGER:
        return query.where(
            or_(CorrectiveAction.branch_id.in_(_managed_branch_ids(user)), CorrectiveAction.owner_id == user.id)
        )
    return query.where(false())


def can_view_action(user: Any, action: CorrectiveAction) -> bool:
    """Admins: all; managers: actions of their regions' branches and their own; shoppers: none."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    if role is Role.MANAGER:
        return _manages_region(user, action.branch.region_id) or action.owner_id == user.id
    return False


def can_manage_actions_at(user: Any, branch: Branch) -> bool:
    """Who raises, assigns, reschedules, cancels and verifies a branch's actions: admins, and managers of its region."""
    role = role_of(user)
    return role is Role.ADMIN or (role is Role.MANAGER and _manages_region(user, branch.region_id))


def can_work_on_action(user: Any, action: CorrectiveAction) -> bool:
    """Who comments and moves an action up to done: those who manage it, and its owner."""
    return can_manage_actions_at(user, action.branch) or (role_of(user) is not None and action.owner_id == user.id)


def can_own_action_at(user: Any, branch: Branch) -> bool:
    """Who may be an action's owner (and a branch's contact): an active admin or a manager of the branch's region,
    so owning an action never shows anyone a branch they could not already see."""
    return isinstance(user, User) and can_manage_actions_at(user, branch)


VISIBLE_QUERIES: dict[type, Callable[[Any], Select]] = {
    Region: visible_regions_query,
    Branch: visible_branches_query,
    Visit: visible_visits_query,
    Assignment: visible_assignments_query,
    Job: visible_jobs_query,
    CorrectiveAction: visible_actions_query,
}
