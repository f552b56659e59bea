"""One change to an action, written three ways in the caller's transaction: its history, the activity log, a webhook."""

from __future__ import annotations

from typing import Any

from server.extensions import DbSession
from server.models import CorrectiveAction, CorrectiveActionEvent, User
from server.models.types import utcnow
from server.services.activity import log_activity
from server.services.webhooks.outbox import emit

MAX_VALUE = 200


def _value(value: object) -> str:
    return str(getattr(value, "value", value) if value is not None else "")[:MAX_VALUE]


def action_data(action: CorrectiveAction) -> dict[str, Any]:
    """What an `action.*` webhook event says of the action (names are added when it is fanned out)."""
    return {
        "action": {
            "id": action.id,
            "title": action.title,
            "status": action.status.value,
            "priority": action.priority.value,
            "source": action.source.value,
            "due_on": action.due_on.isoformat(),
            "owner_id": action.owner_id,
            "branch": {"id": action.branch_id},
            "checklist": {"version_id": action.visit.template_version_id} if action.visit is not None else {},
            "visit_id": str(action.visit_id) if action.visit_id else None,
            "question_key": action.question_key,
            "cancel_reason": action.cancel_reason,
        }
    }


def record_event(
    session: DbSession,
    actor: User | None,
    action: CorrectiveAction,
    kind: str,
    *,
    before: object = None,
    after: object = None,
    comment: str = "",
    summary: str,
) -> CorrectiveActionEvent:
    """Add the history entry, the activity entry and the `action.created`/`action.updated` event of one change."""
    session.flush()  # the new action's id, for the log and the event
    event = CorrectiveActionEvent(
        action_id=action.id,
        actor_id=getattr(actor, "id", None),
        kind=kind,
        from_value=_value(before),
        to_value=_value(after),
        comment=comment,
        created_at=utcnow(),
    )
    session.add(event)
    action.updated_at = utcnow()
    log_activity(session, actor, f"action_{kind}", "action", action.id, summary)
    emit(session, "action.created" if kind == "created" else "action.updated", action.id, action_data(action))
    return event
