"""Admin changes to regions and branches: create, edit, deactivate, each logged and told to the phones."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Branch, Region, User
from server.services.activity import log_activity
from server.services.org.organisation import OrgError, _code, _name, clean_branch, create_branch_from, create_region
from server.services.sync.changes import record_change

BRANCH_FIELDS = ("code", "name", "address", "latitude", "longitude")

__all__ = [
    "OrgError",
    "add_region",
    "edit_region",
    "set_region_active",
    "add_branch",
    "edit_branch",
    "set_branch_active",
    "clean_branch",
    "region_branch_counts",
]


def region_branch_counts(session: DbSession) -> list[tuple[Region, int, int]]:
    """Every region by name with its number of branches and of active branches."""
    counts = dict(session.execute(select(Branch.region_id, func.count()).group_by(Branch.region_id)).all())
    active = dict(
        session.execute(
            select(Branch.region_id, func.count()).where(Branch.active.is_(True)).group_by(Branch.region_id)
        ).all()
    )
    regions = session.scalars(select(Region).order_by(Region.name, Region.id)).all()
    return [(r, counts.get(r.id, 0), active.get(r.id, 0)) for r in regions]


def add_region(session: DbSession, actor: User, *, code: str, name: str) -> Region:
    """Create a region and log it."""
    region = create_region(session, code=code, name=name)
    log_activity(session, actor, "create", "region", region.id, f"Created region {region.code} {region.name}")
    return region


def edit_region(session: DbSession, actor: User, region: Region, *, code: str, name: str) -> Region:
    """Change a region's code and name (codes stay unique)."""
    code, name = _code("code", code), _name(name)
    clash = session.scalar(select(Region.id).where(func.upper(Region.code) == code, Region.id != region.id))
    if clash:
        raise OrgError("code", f"A region with code {code} already exists.")
    region.code, region.name = code, name
    log_activity(session, actor, "update", "region", region.id, f"Edited region {code} {name}")
    record_change(session, "region", region.id, region=region.id)
    for branch in region.branches:  # phones show the region with each branch
        record_change(session, "branch", branch.id, region=region.id)
    return region


def set_region_active(session: DbSession, actor: User, region: Region, active: bool) -> Region:
    """Deactivate or reactivate a region (its branches keep their own state)."""
    return _set_active(session, actor, region, "region", active)


def _set_active(session: DbSession, actor: User, thing: Region | Branch, kind: str, active: bool):
    """Flip `active`, log it and tell the phones; nothing happens when it already has that state."""
    if thing.active != active:
        thing.active = active
        verb = "reactivate" if active else "deactivate"
        log_activity(session, actor, verb, kind, thing.id, f"{verb.capitalize()}d {kind} {thing.code}")
        record_change(session, kind, thing.id, region=thing.id if isinstance(thing, Region) else thing.region_id)
    return thing


def add_branch(session: DbSession, actor: User, region: Region, fields: dict) -> Branch:
    """Create a branch in a region and log it."""
    branch = create_branch_from(session, region, {key: fields.get(key) for key in BRANCH_FIELDS})
    log_activity(
        session, actor, "create", "branch", branch.id, f"Created branch {branch.code} {branch.name} in {region.code}"
    )
    return branch


def edit_branch(session: DbSession, actor: User, branch: Branch, fields: dict) -> Branch:
    """Change a branch's code, name, address and coordinates; phones get the new state."""
    clean = clean_branch(session, fields, branch=branch)
    for key, value in clean.items():
        setattr(branch, key, value)
    log_activity(session, actor, "update", "branch", branch.id, f"Edited branch {branch.code} {branch.name}")
    record_change(session, "branch", branch.id, region=branch.region_id)
    return branch


def set_branch_active(session: DbSession, actor: User, branch: Branch, active: bool) -> Branch:
    """Deactivate (phones drop it at their next pull) or reactivate a branch."""
    return _set_active(session, actor, branch, "branch", active)
