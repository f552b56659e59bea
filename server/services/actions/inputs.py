"""Checking what a person typed for an action: each refusal names the field at fault."""

from __future__ import annotations

from datetime import date

from server.extensions import DbSession
from server.models import ActionPriority, ActionStatus, Branch, User
from server.permissions import can_own_action_at
from server.services.errors import ServiceError

MAX_TITLE = 200
MAX_TEXT = 5000


def title_of(value: object) -> str:
    """A title: required, one line, at most MAX_TITLE characters."""
    text = " ".join(str(value or "").split())
    if not text:
        raise ServiceError("title", "Say what must be fixed.")
    if len(text) > MAX_TITLE:
        raise ServiceError("title", f"The title must be at most {MAX_TITLE} characters long.")
    return text


def text_of(value: object, field: str, *, required: bool = False, message: str = "") -> str:
    """A free text (description, comment, reason), stripped; at most MAX_TEXT characters."""
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(field, message or "This cannot be empty.")
    if len(text) > MAX_TEXT:
        raise ServiceError(field, f"The text must be at most {MAX_TEXT} characters long.")
    return text


def due_date_of(value: object) -> date:
    """A due date: a date or its ISO text (YYYY-MM-DD)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ServiceError("due_on", "Give the due date as YYYY-MM-DD.") from None


def priority_of(value: object) -> ActionPriority:
    """low, normal or high."""
    try:
        return ActionPriority(getattr(value, "value", value) or "normal")
    except ValueError:
        raise ServiceError("priority", "Choose a priority: low, normal or high.") from None


def status_of(value: object) -> ActionStatus:
    """One of the action statuses."""
    try:
        return ActionStatus(getattr(value, "value", value))
    except ValueError:
        names = ", ".join(status.value for status in ActionStatus)
        raise ServiceError("status", f"Unknown status; choose one of {names}.") from None


def owner_of(session: DbSession, value: object, branch: Branch) -> User | None:
    """The owner given by id (or None/"" for nobody): an active admin or a manager of the branch's region."""
    if value is None or value == "":
        return None
    if isinstance(value, User):
        user: User | None = value
    else:
        text = str(value).strip()
        user = session.get(User, int(text)) if text.isascii() and text.isdigit() and int(text) < 2**31 else None
    if user is None or not can_own_action_at(user, branch):
        raise ServiceError("owner", "Choose an admin or a manager of the branch's region as the owner.")
    return user
