"""What each role's start page shows, gathered through permissions.py so nobody sees another's data."""
from __future__ import annotations

from datetime import date
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Assignment, AssignmentStatus, Branch, Region, Role, Template, User, Visit, VisitStatus
from server.permissions import (
    can_manage,
    visible_assignments_query,
    visible_branches_query,
    visible_regions_query,
    visible_visits_query,
)


def admin_overview(user) -> dict:
    """Regions with branch counts, users per role, checklist templates, and work waiting for review."""
    if not can_manage(user):
        return {}
    branch_count = select(func.count(Branch.id)).where(Branch.region_id == Region.id).scalar_subquery()
    regions = db.session.execute(visible_regions_query(user).add_columns(branch_count.label("branches"))).all()
    by_role = dict(db.session.execute(
        select(User.role, func.count(User.id)).where(User.active.is_(True)).group_by(User.role)).all())
    templates = db.session.scalars(
        select(Template).options(selectinload(Template.versions)).order_by(Template.name, Template.id)).all()
    submitted = visible_visits_query(user).where(Visit.status == VisitStatus.SUBMITTED).order_by(None)
    to_review = db.session.scalar(select(func.count()).select_from(submitted.subquery()))
    return {
        "regions": regions,
        "users_by_role": [(role, by_role.get(role, 0)) for role in Role],
        "templates": templates,
        "visits_to_review": to_review,
    }


def manager_overview(user) -> dict:
    """The manager's regions, each with its branches."""
    regions = db.session.scalars(visible_regions_query(user)).all()
    branches = db.session.scalars(visible_branches_query(user).order_by(None).order_by(Branch.region_id, Branch.code))
    by_region = {region_id: list(group) for region_id, group in groupby(branches, key=lambda b: b.region_id)}
    return {"regions": [(region, by_region.get(region.id, [])) for region in regions]}


def shopper_overview(user) -> dict:
    """The shopper's open assignments, soonest due first."""
    query = (visible_assignments_query(user).where(Assignment.status == AssignmentStatus.OPEN)
             .options(selectinload(Assignment.branch), selectinload(Assignment.template)))
    return {"assignments": db.session.scalars(query).all(), "today": date.today()}


OVERVIEWS = {Role.ADMIN: admin_overview, Role.MANAGER: manager_overview, Role.SHOPPER: shopper_overview}


def overview_for(user) -> dict:
    """The start-page data for this user's role."""
    return OVERVIEWS[user.role](user)
