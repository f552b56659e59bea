"""Working on an action: its status, owner, due date and priority, and comments; each change is one history event.

Statuses go open -> in_progress -> done -> verified; any status but verified may go to cancelled, with a reason.
A done action may be reopened (back to in_progress) when the fix is not good enough. The owner moves their action
up to done; verifying, reopening, cancelling, assigning and rescheduling are for admins and the region's managers.
"""

from __future__ import annotations

from server.extensions import DbSession
from server.models import ActionStatus, CorrectiveAction, User
from server.permissions import can_manage_actions_at, can_work_on_action
from server.services.actions.history import record_event
from server.services.actions.inputs import due_date_of, owner_of, priority_of, status_of, text_of
from server.services.errors import NotAllowed, ServiceError
from server.services.mail.alerts import alert_action_assigned

NEXT_STATUSES: dict[ActionStatus, tuple[ActionStatus, ...]] = {
    ActionStatus.OPEN: (ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED),
    ActionStatus.IN_PROGRESS: (ActionStatus.DONE, ActionStatus.CANCELLED),
    ActionStatus.DONE: (ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED),
    ActionStatus.VERIFIED: (),
    ActionStatus.CANCELLED: (),
}
"""The statuses an action may move to from each status."""

OWNER_MOVES = {(ActionStatus.OPEN, ActionStatus.IN_PROGRESS), (ActionStatus.IN_PROGRESS, ActionStatus.DONE)}
"""The moves an owner who does not manage the branch may make."""

LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.VERIFIED: "Verified",
    ActionStatus.CANCELLED: "Cancelled",
}


def _check_may_work(actor: User, action: CorrectiveAction) -> None:
    if not can_work_on_action(actor, action):
        raise NotAllowed(None, "Only the action's owner, admins and the region's managers work on this action.")


def _check_may_manage(actor: User, action: CorrectiveAction, what: str) -> None:
    if not can_manage_actions_at(actor, action.branch):
        raise NotAllowed(None, f"Only admins and the managers of the branch's region {what}.")


def allowed_statuses(actor: User, action: CorrectiveAction) -> list[ActionStatus]:
    """The statuses this actor may move the action to now (the buttons its page shows)."""
    if not can_work_on_action(actor, action):
        return []
    manages = can_manage_actions_at(actor, action.branch)
    return [status for status in NEXT_STATUSES[action.status] if manages or (action.status, status) in OWNER_MOVES]


def change_status(
    session: DbSession, actor: User, action: CorrectiveAction, status: object, reason: object = ""
) -> CorrectiveAction:
    """Move the action to `status` if the transition and the actor allow it; cancelling needs a reason."""
    _check_may_work(actor, action)
    wanted = status_of(status)
    if wanted not in NEXT_STATUSES[action.status]:
        raise ServiceError("status", f"An action that is {LABELS[action.status].lower()} cannot become {wanted.value}.")
    if wanted not in allowed_statuses(actor, action):
        raise NotAllowed("status", "Only admins and the managers of the branch's region verify, reopen or cancel.")
    comment = text_of(
        reason, "reason", required=wanted is ActionStatus.CANCELLED, message="Say why the action is cancelled."
    )
    before, action.status = action.status, wanted
    if wanted is ActionStatus.CANCELLED:
        action.cancel_reason = comment
    record_event(
        session,
        actor,
        action,
        "status",
        before=before,
        after=wanted,
        comment=comment,
        summary=f"Action {action.id}: {LABELS[before]} -> {LABELS[wanted]}" + (f": {comment}" if comment else ""),
    )
    return action


def _check_not_closed(action: CorrectiveAction) -> None:
    if not NEXT_STATUSES[action.status]:
        raise ServiceError(None, f"The action is {action.status.value}: it can no longer be changed.")


def assign_owner(session: DbSession, actor: User, action: CorrectiveAction, owner: object) -> CorrectiveAction:
    """Give the action to an owner (an admin or a manager of the branch's region), or to nobody."""
    _check_may_manage(actor, action, "assign actions")
    _check_not_closed(action)
    new_owner = owner_of(session, owner, action.branch)
    if new_owner is action.owner:
        return action
    before = action.owner.name if action.owner is not None else ""
    action.owner = new_owner
    after = new_owner.name if new_owner is not None else ""
    record_event(
        session,
        actor,
        action,
        "owner",
        before=before,
        after=after,
        summary=f"Action {action.id} assigned to {after or 'nobody'}",
    )
    alert_action_assigned(session, action, actor)
    return action


def set_due_date(session: DbSession, actor: User, action: CorrectiveAction, due_on: object) -> CorrectiveAction:
    """Move the action's due date."""
    _check_may_manage(actor, action, "reschedule actions")
    _check_not_closed(action)
    wanted = due_date_of(due_on)
    if wanted == action.due_on:
        return action
    before, action.due_on = action.due_on, wanted
    record_event(
        session,
        actor,
        action,
        "due",
        before=before.isoformat(),
        after=wanted.isoformat(),
        summary=f"Action {action.id} due {wanted.isoformat()} (was {before.isoformat()})",
    )
    return action


def set_priority(session: DbSession, actor: User, action: CorrectiveAction, priority: object) -> CorrectiveAction:
    """Change how urgent the action is."""
    _check_may_manage(actor, action, "change an action's priority")
    _check_not_closed(action)
    wanted = priority_of(priority)
    if wanted is action.priority:
        return action
    before, action.priority = action.priority, wanted
    record_event(
        session,
        actor,
        action,
        "priority",
        before=before,
        after=wanted,
        summary=f"Action {action.id}: priority {wanted.value}",
    )
    return action


def add_comment(session: DbSession, actor: User, action: CorrectiveAction, text: object) -> CorrectiveAction:
    """Add a comment to the action's history (closed actions too: a note after the fact)."""
    _check_may_work(actor, action)
    comment = text_of(text, "comment", required=True, message="Write a comment.")
    record_event(session, actor, action, "comment", comment=comment, summary=f"Comment on action {action.id}")
    return action
