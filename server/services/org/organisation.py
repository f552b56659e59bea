"""Regions, branches and scheduled assignments: the organisation that shoppers audit."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Assignment, AssignmentStatus, Branch, Region, Role, Template, User
from server.services.activity import log_activity
from server.services.errors import ServiceError
from server.services.sync.changes import record_change, record_needs

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


class OrgError(ServiceError):
    """An organisation change that cannot be made; `field` names the input at fault."""

    field: str

    def __init__(self, field: str, message: str):
        super().__init__(field, message)


def _code(field: str, value: object) -> str:
    code = str(value or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise OrgError(
            field, f"Code {value!r} must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit."
        )
    return code


def _name(value: object, field: str = "name") -> str:
    name = str(value or "").strip()
    if not name or len(name) > 120:
        raise OrgError(field, "Name must be 1 to 120 characters long.")
    return name


def _coordinate(field: str, value: Any, limit: float) -> float | None:  # Any: float() is tried on whatever came
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OrgError(field, f"{field.capitalize()} must be a number, got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OrgError(field, f"{field.capitalize()} must be a number, got {value!r}.") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise OrgError(field, f"{field.capitalize()} must be between {-limit:g} and {limit:g}, got {value!r}.")
    return number


def create_region(session: DbSession, *, code: str, name: str) -> Region:
    """Add a region; codes are unique (compared upper-cased)."""
    code = _code("code", code)
    name = _name(name)
    if session.scalar(select(Region.id).where(func.upper(Region.code) == code)):
        raise OrgError("code", f"A region with code {code} already exists.")
    region = Region(code=code, name=name)
    session.add(region)
    session.flush()
    record_change(session, "region", region.id, region=region.id)
    return region


def clean_branch(
    session: DbSession, fields: Mapping[str, object], *, branch: Branch | None = None, check_code: bool = True
) -> dict:
    """Checked, normalised branch fields (code, name, address, latitude, longitude); OrgError names the bad one.

    The one set of branch rules: creating, editing and CSV import all go through it."""
    code = _code("code", fields.get("code"))
    name = _name(fields.get("name"))
    address = str(fields.get("address") or "").strip()
    if len(address) > 500:
        raise OrgError("address", "Address must be at most 500 characters long.")
    lat = _coordinate("latitude", _stripped(fields.get("latitude")), 90.0)
    lon = _coordinate("longitude", _stripped(fields.get("longitude")), 180.0)
    if (lat is None) != (lon is None):
        raise OrgError("longitude" if lon is None else "latitude", "Give both latitude and longitude, or neither.")
    query = select(Branch.id).where(func.upper(Branch.code) == code)
    if branch is not None:
        query = query.where(Branch.id != branch.id)
    if check_code and session.scalar(query):
        raise OrgError("code", f"A branch with code {code} already exists.")
    return {"code": code, "name": name, "address": address, "latitude": lat, "longitude": lon}


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def create_branch(
    session: DbSession,
    *,
    region: Region,
    code: str,
    name: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Branch:
    """Add a branch to a region; coordinates are optional but come as a valid pair."""
    return create_branch_from(
        session, region, {"code": code, "name": name, "address": address, "latitude": latitude, "longitude": longitude}
    )


def create_branch_from(session: DbSession, region: Region, fields: Mapping[str, object]) -> Branch:
    """Add a branch to a region from raw fields (a form's, unchecked: clean_branch checks them)."""
    if not isinstance(region, Region):
        raise OrgError("region", "A branch needs an existing region.")
    clean = clean_branch(session, fields)
    branch = Branch(region=region, **clean)
    session.add(branch)
    session.flush()
    record_change(session, "branch", branch.id, region=region.id)
    return branch


def create_assignment(
    session: DbSession,
    *,
    shopper: User,
    branch: Branch,
    template: Template,
    due_from: date,
    due_to: date,
    notes: str = "",
    assignment_id: uuid.UUID | None = None,
    actor: User | None = None,
) -> Assignment:
    """Schedule a visit for a shopper at an active branch, with a checklist that has a published version."""
    _check_shopper(shopper)
    if not isinstance(branch, Branch) or not branch.active:
        raise OrgError("branch", "Assignments need an active branch.")
    if not isinstance(template, Template) or template.latest_published() is None:
        raise OrgError("template", "Assignments need a checklist with a published version.")
    if due_to < due_from:
        raise OrgError("due_to", f"The due window ends ({due_to}) before it starts ({due_from}).")
    assignment = Assignment(
        id=assignment_id or uuid.uuid4(),
        shopper=shopper,
        branch=branch,
        template=template,
        due_from=due_from,
        due_to=due_to,
        notes=notes or "",
    )
    session.add(assignment)
    record_needs(session, shopper.id, branch.id, template.id)
    record_change(session, "assignment", assignment.id, audience=shopper.id)
    log_activity(
        session,
        actor,
        "scheduled",
        "assignment",
        assignment.id,
        f"{branch.code} for {shopper.name}, due {due_from} to {due_to}",
    )
    return assignment


def _check_shopper(shopper: object) -> None:
    if not isinstance(shopper, User) or shopper.role is not Role.SHOPPER:
        raise OrgError("shopper", "Assignments go to users with the shopper role.")
    if not shopper.active:
        raise OrgError("shopper", f"Shopper {shopper.email} is deactivated.")


def _still_open(assignment: Assignment, doing: str) -> None:
    if assignment.status is not AssignmentStatus.OPEN:
        raise OrgError(
            "assignment",
            f"Assignment {assignment.id} is {assignment.status.value}; only open "
            f"assignments (no visit yet) can be {doing}.",
        )


def cancel_assignment(session: DbSession, assignment: Assignment, *, actor: User | None = None) -> Assignment:
    """Withdraw an assignment nobody has visited yet; its shopper's phone gets a tombstone (twice is harmless)."""
    if assignment.status is AssignmentStatus.CANCELLED:
        return assignment
    _still_open(assignment, "cancelled")
    assignment.status = AssignmentStatus.CANCELLED
    log_activity(session, actor, "cancelled", "assignment", assignment.id, f"Assignment {assignment.id} cancelled")
    record_change(session, "assignment", assignment.id, "delete", audience=assignment.shopper_id)
    record_needs(session, assignment.shopper_id, assignment.branch_id, assignment.template_id)
    return assignment


def reassign_assignment(
    session: DbSession, assignment: Assignment, shopper: User, *, actor: User | None = None
) -> Assignment:
    """Give an open assignment to another shopper: the old one's phone gets a tombstone, the new one's the work."""
    _check_shopper(shopper)
    _still_open(assignment, "reassigned")
    previous = assignment.shopper_id
    if previous == shopper.id:
        return assignment
    assignment.shopper = shopper
    log_activity(session, actor, "reassigned", "assignment", assignment.id, f"Given to {shopper.name}")
    record_change(session, "assignment", assignment.id, "delete", audience=previous)
    record_needs(session, previous, assignment.branch_id, assignment.template_id)
    record_needs(session, shopper.id, assignment.branch_id, assignment.template_id)
    record_change(session, "assignment", assignment.id, audience=shopper.id)
    return assignment
