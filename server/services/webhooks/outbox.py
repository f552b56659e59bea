"""The transactional outbox: an event is added in the transaction of the change it tells of, never after it.

Services call `visit_event` / `assignment_event` next to the change; the event row is flushed with the change,
so a rolled-back change leaves no event and a committed change always has one. The body's names (branch,
region, checklist) are filled in once, when the delivery job fans the event out (`complete_data`): the hot
paths (a phone's push) write one row more and read nothing more. After a commit that wrote events, the
request's edge asks the queue to deliver at once (kick.py); the periodic run catches up whatever that missed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.extensions import DbSession
from server.models import Assignment, Branch, Region, Template, TemplateVersion, Visit, WebhookEvent
from server.models.types import utcnow
from server.services.webhooks.catalogue import BODY_VERSION, event_type

WRITTEN = "fieldaudit.webhook_events_written"
"""session.info: this transaction added events."""
COMMITTED = "fieldaudit.webhook_events_committed"
"""session.info: a committed transaction added events; the edge submits the delivery job and clears it."""
FORCE = "force"
"""The value of WRITTEN / COMMITTED when the job must start even if no endpoint is active (a ping, a redelivery)."""


def emit(
    session: DbSession, type_name: str, object_id: object, data: dict[str, Any], *, only_endpoint_id: int | None = None
) -> WebhookEvent:
    """Add one event to the caller's transaction (flushed with it; not committed here)."""
    kind = event_type(type_name)
    event = WebhookEvent(
        id=uuid.uuid4(),
        type=kind.name,
        object_type=kind.object_type,
        object_id=str(object_id),
        version=BODY_VERSION,
        data=data,
        only_endpoint_id=only_endpoint_id,
        created_at=utcnow(),
    )
    session.add(event)
    deliver_after_commit(session, force=only_endpoint_id is not None)
    return event


def deliver_after_commit(session: DbSession, *, force: bool = False) -> None:
    """Have the edge start the delivery job once this transaction commits (events added, deliveries due again);
    `force`: even if no endpoint is active (a ping or a redelivery to a turned-off endpoint)."""
    if force or session.info.get(WRITTEN) != FORCE:
        session.info[WRITTEN] = FORCE if force else True


@sa_event.listens_for(Session, "after_commit")
def _committed(session: DbSession) -> None:
    written = session.info.pop(WRITTEN, None)
    if written and session.info.get(COMMITTED) != FORCE:
        session.info[COMMITTED] = written


@sa_event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: DbSession, previous_transaction) -> None:
    session.info.pop(WRITTEN, None)


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def visit_data(visit: Visit, *, status: str | None = None) -> dict[str, Any]:
    """What a visit event says of the visit, from its own columns only (no reads): ids, status, times, score."""
    return {
        "visit": {
            "id": str(visit.id),
            "status": status or str(getattr(visit.status, "value", visit.status)),
            "revision": visit.revision,
            "assignment_id": str(visit.assignment_id) if visit.assignment_id else None,
            "shopper_id": visit.shopper_id,
            "branch": {"id": visit.branch_id},
            "checklist": {"version_id": visit.template_version_id},
            "started_at": _time(visit.started_at),
            "finished_at": _time(visit.finished_at),
            "submitted_at": _time(visit.submitted_at),
            "reviewed_at": _time(visit.reviewed_at),
            "reviewed_by_id": visit.reviewed_by_id,
            "review_note": visit.review_note or "",
            "score": {
                "percent": visit.score_percent,
                "earned": visit.earned,
                "possible": visit.possible,
                "critical_failures": visit.critical_failures,
                "flagged": visit.flagged,
                "zeroed": visit.zeroed,
            },
        }
    }


def visit_event(session: DbSession, type_name: str, visit: Visit, *, status: str | None = None) -> WebhookEvent:
    """Add a `visit.*` event for the visit as it now stands (`status` when the row was updated past the ORM)."""
    return emit(session, type_name, visit.id, visit_data(visit, status=status))


def critical_failure_event(session: DbSession, visit: Visit) -> WebhookEvent | None:
    """Add a `critical_failure` event if the visit failed a critical question (None if it did not)."""
    if not visit.critical_failures:
        return None
    data = visit_data(visit)
    data["failed_questions"] = [
        {"key": answer.question_key, "section": answer.section_key}
        for answer in visit.answers
        if answer.critical_failure
    ]
    return emit(session, "critical_failure", visit.id, data)


def assignment_event(session: DbSession, type_name: str, assignment: Assignment, visit: Visit | None) -> WebhookEvent:
    """Add an `assignment.*` event: the assignment, its branch and checklist, and the visit that closed it."""
    status = assignment.status
    data = {
        "assignment": {
            "id": str(assignment.id),
            "status": str(getattr(status, "value", status)),
            "shopper_id": assignment.shopper_id,
            "branch": {"id": assignment.branch_id},
            "checklist": {"template_id": assignment.template_id},
            "due_from": assignment.due_from.isoformat(),
            "due_to": assignment.due_to.isoformat(),
            "visit_id": str(visit.id) if visit is not None else None,
            "visit_status": str(getattr(visit.status, "value", visit.status)) if visit is not None else None,
        }
    }
    return emit(session, type_name, assignment.id, data)


def complete_data(session: DbSession, data: dict[str, Any]) -> dict[str, Any]:
    """The event's data with the names consumers want: each object's branch (code, name) and its region, and its
    checklist (name, version number). Done once, when the event is fanned out."""
    completed: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(value.get("branch"), dict):
            value = dict(value)
            value.update(_branch_and_region(session, value["branch"].get("id")))
            value["checklist"] = _checklist(session, value.get("checklist") or {})
        completed[key] = value
    return completed


def _branch_and_region(session: DbSession, branch_id: int | None) -> dict[str, Any]:
    row = session.execute(
        select(Branch.id, Branch.code, Branch.name, Region.id, Region.code, Region.name)
        .join(Region, Region.id == Branch.region_id)
        .where(Branch.id == branch_id)
    ).first()
    if row is None:
        return {"branch": {"id": branch_id}, "region": None}
    return {
        "branch": {"id": row[0], "code": row[1], "name": row[2]},
        "region": {"id": row[3], "code": row[4], "name": row[5]},
    }


def _checklist(session: DbSession, checklist: dict[str, Any]) -> dict[str, Any]:
    if checklist.get("version_id") is not None:
        row = session.execute(
            select(Template.id, Template.name, TemplateVersion.id, TemplateVersion.number)
            .join(Template, Template.id == TemplateVersion.template_id)
            .where(TemplateVersion.id == checklist["version_id"])
        ).first()
        if row is not None:
            return {"template_id": row[0], "name": row[1], "version_id": row[2], "version": row[3]}
    elif checklist.get("template_id") is not None:
        name = session.scalar(select(Template.name).where(Template.id == checklist["template_id"]))
        if name is not None:
            return {"template_id": checklist["template_id"], "name": name}
    return checklist
