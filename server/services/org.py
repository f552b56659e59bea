"""Regions, branches and scheduled assignments: the organisation that shoppers audit."""
from __future__ import annotations

import math
import re
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Assignment, Branch, Region, Role, Template, User
from .changes import record_change

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


class OrgError(ValueError):
    """An organisation change that cannot be made; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _code(field: str, value: object) -> str:
    code = str(value or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise OrgError(field, f"Code {value!r} must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit.")
    return code


def _name(value: object, field: str = "name") -> str:
    name = str(value or "").strip()
    if not name or len(name) > 120:
        raise OrgError(field, "Name must be 1 to 120 characters long.")
    return name


def _coordinate(field: str, value: object, limit: float) -> float | None:
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


def create_region(session: Session, *, code: str, name: str, commit: bool = True) -> Region:
    """Add a region; codes are unique (compared upper-cased)."""
    code = _code("code", code)
    name = _name(name)
    if session.scalar(select(Region.id).where(func.upper(Region.code) == code)):
        raise OrgError("code", f"A region with code {code} already exists.")
    region = Region(code=code, name=name)
    session.add(region)
    session.flush()
    record_change(session, "region", region.id)
    if commit:
        session.commit()
    return region


def create_branch(
    session: Session,
    *,
    region: Region,
    code: str,
    name: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    commit: bool = True,
) -> Branch:
    """Add a branch to a region; coordinates are optional but come as a valid pair."""
    if not isinstance(region, Region):
        raise OrgError("region", "A branch needs an existing region.")
    code = _code("code", code)
    name = _name(name)
    address = str(address or "").strip()
    if len(address) > 500:
        raise OrgError("address", "Address must be at most 500 characters long.")
    lat = _coordinate("latitude", latitude, 90.0)
    lon = _coordinate("longitude", longitude, 180.0)
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise OrgError(missing, "Give both latitude and longitude, or neither.")
    if session.scalar(select(Branch.id).where(func.upper(Branch.code) == code)):
        raise OrgError("code", f"A branch with code {code} already exists.")
    branch = Branch(region=region, code=code, name=name, address=address, latitude=lat, longitude=lon)
    session.add(branch)
    session.flush()
    record_change(session, "branch", branch.id)
    if commit:
        session.commit()
    return branch


def create_assignment(
    session: Session,
    *,
    shopper: User,
    branch: Branch,
    template: Template,
    due_from: date,
    due_to: date,
    notes: str = "",
    assignment_id: uuid.UUID | None = None,
    commit: bool = True,
) -> Assignment:
    """Schedule a visit for a shopper at an active branch, with a checklist that has a published version."""
    if not isinstance(shopper, User) or shopper.role is not Role.SHOPPER:
        raise OrgError("shopper", "Assignments go to users with the shopper role.")
    if not shopper.active:
        raise OrgError("shopper", f"Shopper {shopper.email} is deactivated.")
    if not isinstance(branch, Branch) or not branch.active:
        raise OrgError("branch", "Assignments need an active branch.")
    if not isinstance(template, Template) or template.latest_published() is None:
        raise OrgError("template", "Assignments need a checklist with a published version.")
    if due_to < due_from:
        raise OrgError("due_to", f"The due window ends ({due_to}) before it starts ({due_from}).")
    assignment = Assignment(
        id=assignment_id or uuid.uuid4(), shopper=shopper, branch=branch, template=template, due_from=due_from, due_to=due_to, notes=notes or ""
    )
    session.add(assignment)
    record_change(session, "assignment", assignment.id)
    if commit:
        session.commit()
    return assignment
