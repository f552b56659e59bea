"""Read models of the organisation pages: region options, the assignment list and its choices, each role's start page.

Everything here only reads; what a reader may see comes from server.permissions (the start pages) or from the
pages being for admins only (users, assignments).
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.extensions import DbSession
from server.models import (
    Assignment,
    AssignmentStatus,
    Branch,
    Region,
    Role,
    Template,
    User,
    Visit,
    VisitStatus,
)
from server.permissions import (
    can_manage,
    visible_assignments_query,
    visible_branches_query,
    visible_regions_query,
    visible_visits_query,
)


def region_options(session: DbSession) -> list[tuple[int, str]]:
    """(id, "CODE · Name") of every region, by name: the region pickers of the user forms."""
    return [(r.id, f"{r.code} · {r.name}") for r in session.scalars(select(Region).order_by(Region.name))]


def visible_regions(session: DbSession, user: Any) -> list[Region]:
    """The regions the user may see, by name (server.permissions)."""
    return list(session.scalars(visible_regions_query(user)).all())


def assignment_choices(session: DbSession) -> dict:
    """Options for the assignment forms and filters: regions, active branches, active shoppers, published checklists."""
    templates = [t for t in session.scalars(select(Template).order_by(Template.name)) if t.latest_published()]
    return {
        "regions": session.scalars(select(Region).order_by(Region.name)).all(),
        "branches": session.scalars(select(Branch).where(Branch.active.is_(True)).order_by(Branch.code)).all(),
        "shoppers": session.scalars(
            select(User).where(User.role == Role.SHOPPER, User.active.is_(True)).order_by(User.name)
        ).all(),
        "templates": templates,
    }


def assignment_list(
    session: DbSession,
    *,
    region_id: int | None = None,
    status: AssignmentStatus | None = None,
    shopper_id: int | None = None,
    limit: int,
) -> tuple[list[Assignment], int]:
    """At most `limit` assignments matching the filters, soonest due first, and how many match in all."""
    query = select(Assignment).join(Branch, Branch.id == Assignment.branch_id)
    if region_id is not None:
        query = query.where(Branch.region_id == region_id)
    if status is not None:
        query = query.where(Assignment.status == status)
    if shopper_id is not None:
        query = query.where(Assignment.shopper_id == shopper_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.scalars(
        query.options(
            selectinload(Assignment.branch), selectinload(Assignment.shopper), selectinload(Assignment.template)
        )
        .order_by(Assignment.due_to, Assignment.due_from, Branch.code)
        .limit(limit)
    ).all()
    return list(rows), total


def admin_overview(session: DbSession, user: Any) -> dict:
    """Regions with branch counts, users per role, checklist templates, and work waiting for review."""
    if not can_manage(user):
        return {}
    branch_count = select(func.count(Branch.id)).where(Branch.region_id == Region.id).scalar_subquery()
    regions = session.execute(visible_regions_query(user).add_columns(branch_count.label("branches"))).all()
    by_role = dict(
        session.execute(select(User.role, func.count(User.id)).where(User.active.is_(True)).group_by(User.role)).all()
    )
    templates = session.scalars(
        select(Template).options(selectinload(Template.versions)).order_by(Template.name, Template.id)
    ).all()
    submitted = visible_visits_query(user).where(Visit.status == VisitStatus.SUBMITTED).order_by(None)
    to_review = session.scalar(select(func.count()).select_from(submitted.subquery()))
    return {
        "regions": regions,
        "users_by_role": [(role, by_role.get(role, 0)) for role in Role],
        "templates": templates,
        "visits_to_review": to_review,
    }


def manager_overview(session: DbSession, user: Any) -> dict:
    """The manager's regions, each with its branches."""
    regions = session.scalars(visible_regions_query(user)).all()
    branches = session.scalars(visible_branches_query(user).order_by(None).order_by(Branch.region_id, Branch.code))
    by_region = {region_id: list(group) for region_id, group in groupby(branches, key=lambda b: b.region_id)}
    return {"regions": [(region, by_region.get(region.id, [])) for region in regions]}


def shopper_overview(session: DbSession, user: Any) -> dict:
    """The shopper's open assignments, soonest due first."""
    query = (
        visible_assignments_query(user)
        .where(Assignment.status == AssignmentStatus.OPEN)
        .options(selectinload(Assignment.branch), selectinload(Assignment.template))
    )
    return {"assignments": session.scalars(query).all(), "today": date.today()}


OVERVIEWS = {Role.ADMIN: admin_overview, Role.MANAGER: manager_overview, Role.SHOPPER: shopper_overview}


def overview_for(session: DbSession, user: Any) -> dict:
    """The start-page data for this user's role, gathered through server.permissions so nobody sees another's data."""
    return OVERVIEWS[user.role](session, user)
