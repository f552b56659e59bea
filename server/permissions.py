"""Who may see what (DESIGN section 5): the one module every page, endpoint and service asks.

admin: everything. manager: the branches of their regions and the visits made there, never
an assignment. shopper: their own assignments and visits, and the branches those are at.
Deactivated and anonymous users see nothing. Queries (`visible_*`) and per-object checks
(`can_view_*`) answer the same question and are tested to agree.

Confidentiality rule of mystery shopping (DESIGN section 7): managers are the audited side, so
the schedule (assignments: when a visit will happen, and their notes) is for admins and the
assignment's own shopper only. Managers learn of a visit once it has happened. Web pages, the
sync feed (services/sync/view.py), the scores and report APIs, CSV and PDFs all ask the rule
below (`can_view_assignment`, `visible_assignments_query`); nothing else reads assignments for
a manager.
"""
from __future__ import annotations

import uuid
from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, false, or_, select

from server.extensions import db, login_manager
from server.models import Assignment, Branch, Region, Role, Visit, manager_regions

MAX_INT_ID = 2**31 - 1  # PostgreSQL INTEGER; larger ids cannot exist and must not reach the driver


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
    return {Role.ADMIN: "all", Role.MANAGER: "regions", Role.SHOPPER: "own"}.get(role_of(user), "none")


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


VISIBLE_QUERIES: dict[type, Callable[[Any], Select]] = {
    Region: visible_regions_query,
    Branch: visible_branches_query,
    Visit: visible_visits_query,
    Assignment: visible_assignments_query,
}


def _coerce_id(kind: type, object_id: Any) -> Any:
    """The id as the column's type, or None when it cannot name a row (then: 404, not a 500)."""
    if kind.__table__.c.id.type.python_type is uuid.UUID:
        try:
            return object_id if isinstance(object_id, uuid.UUID) else uuid.UUID(str(object_id))
        except ValueError:
            return None
    if isinstance(object_id, str) and object_id.isascii() and object_id.isdigit():
        object_id = int(object_id)
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        return None
    return object_id if 0 < object_id <= MAX_INT_ID else None


def get_visible_or_404(kind: type, object_id: Any, user: Any = None):
    """The object of model `kind` with this id if `user` (default: current user) may see it, else 404."""
    user = current_user if user is None else user
    key = _coerce_id(kind, object_id)
    found = None if key is None else db.session.scalar(VISIBLE_QUERIES[kind](user).where(kind.id == key))
    if found is None:
        abort(404)
    return found


def login_required_role(*roles: Role | str) -> Callable:
    """Decorator for pages and endpoints: anonymous -> 401/sign-in page, wrong role -> 403; no roles = any role."""
    wanted = {Role(role) for role in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            role = role_of(current_user)
            if role is None:
                return login_manager.unauthorized()
            if wanted and role not in wanted:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
