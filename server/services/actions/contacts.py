"""The branch contact: the admin or region manager who owns the actions raised automatically for a branch."""

from __future__ import annotations

from server.extensions import DbSession
from server.models import Branch, User
from server.permissions import can_manage_actions_at
from server.services.actions.inputs import owner_of
from server.services.activity import log_activity
from server.services.errors import NotAllowed, ServiceError


def set_branch_contact(session: DbSession, actor: User, branch: Branch, contact: object) -> Branch:
    """Name the branch's contact (an admin or a manager of its region), or nobody; later automatic actions go to them."""
    if not can_manage_actions_at(actor, branch):
        raise NotAllowed(None, "Only admins and the managers of the branch's region choose its contact.")
    try:
        chosen = owner_of(session, contact, branch)
    except ServiceError as exc:
        raise ServiceError("contact", "Choose an admin or a manager of the branch's region as its contact.") from exc
    if chosen is not branch.contact:
        branch.contact = chosen
        log_activity(
            session,
            actor,
            "branch_contact",
            "branch",
            branch.id,
            f"Contact of {branch.code}: {chosen.name if chosen else 'nobody'}",
        )
    return branch
