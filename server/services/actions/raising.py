"""Raising actions: by hand (from a visit's answer or from nothing), and automatically from approved visits.

Automatic actions are raised once per finding: each carries a `finding_key` (source, visit, question), looked up
before it is added and unique in the table, so approving a visit again or approving a corrected revision of it
never adds a second action for the same failed question. Rules other than critical failures call `raise_for_finding`
(the pass-mark rule of the targets work, `ActionSource.BELOW_TARGET`, is the next one).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import DbSession
from server.models import ActionPriority, ActionSource, ActionStatus, Branch, CorrectiveAction, User, Visit
from server.models.types import utcnow
from server.permissions import can_manage_actions_at, can_own_action_at, can_view_visit
from server.services.actions.history import record_event
from server.services.actions.inputs import due_date_of, owner_of, priority_of, text_of, title_of
from server.services.checklists.versions import checklist_of
from server.services.errors import NotAllowed, NotFound, ServiceError
from server.services.mail.alerts import alert_action_assigned

CRITICAL_FAILURE_DUE_DAYS = 14
"""An action raised from a critical failure is due this many days after the approval (a per-checklist rule later)."""


def raise_action(
    session: DbSession,
    actor: User,
    branch: Branch,
    *,
    title: object,
    due_on: object,
    description: object = "",
    priority: object = "normal",
    owner: object = None,
    visit: Visit | None = None,
    question_key: object = None,
    notify: bool = True,
) -> CorrectiveAction:
    """Raise an action by hand for a branch, optionally from one answer of one of its visits; its owner is e-mailed
    (unless `notify` is off: the demo's history)."""
    if not can_manage_actions_at(actor, branch):
        raise NotAllowed(None, "Only admins and the managers of the branch's region raise its actions.")
    key = str(question_key).strip() if question_key else None
    if visit is not None:
        if visit.branch_id != branch.id or not can_view_visit(actor, visit):
            raise ServiceError("visit", "The visit is not one of this branch's.")
        if key is not None and not checklist_of(visit.template_version).has_question(key):
            raise ServiceError("question_key", "The visit's checklist has no such question.")
    elif key is not None:
        raise ServiceError("question_key", "A question needs the visit it was answered in.")
    action = CorrectiveAction(
        title=title_of(title),
        description=text_of(description, "description"),
        branch=branch,
        visit=visit,
        question_key=key,
        owner=owner_of(session, owner, branch),
        due_on=due_date_of(due_on),
        priority=priority_of(priority),
        status=ActionStatus.OPEN,
        source=ActionSource.MANUAL,
        created_by=actor,
    )
    session.add(action)
    record_event(session, actor, action, "created", after=action.status, summary=f"Raised action: {action.title}")
    if notify:
        alert_action_assigned(session, action, actor)
    return action


def finding_key(source: ActionSource, visit: Visit, question_key: str) -> str:
    """The key that makes an automatic action unique: one per source, visit and question."""
    return f"{source.value}:{visit.id}:{question_key}"


def _default_owner(branch: Branch) -> User | None:
    contact = branch.contact
    return contact if contact is not None and can_own_action_at(contact, branch) else None


def raise_for_finding(
    session: DbSession,
    actor: User | None,
    visit: Visit,
    source: ActionSource,
    question_key: str,
    *,
    title: str,
    description: str,
    due_on: date,
    priority: ActionPriority = ActionPriority.HIGH,
    notify: bool = True,
) -> CorrectiveAction | None:
    """Raise the automatic action of one finding for the visit's branch, owned by its contact (e-mailed unless
    `notify` is off: the demo's history); None if it exists."""
    key = finding_key(source, visit, question_key)
    if session.scalar(select(CorrectiveAction.id).where(CorrectiveAction.finding_key == key)) is not None:
        return None
    branch = visit.branch
    action = CorrectiveAction(
        title=title[:200],
        description=description,
        branch=branch,
        visit=visit,
        question_key=question_key,
        owner=_default_owner(branch),
        due_on=due_on,
        priority=priority,
        status=ActionStatus.OPEN,
        source=source,
        finding_key=key,
        created_by=actor,
    )
    session.add(action)
    record_event(
        session, actor, action, "created", after=action.status, summary=f"Raised action automatically: {action.title}"
    )
    if notify:
        alert_action_assigned(session, action, actor)
    return action


def raise_for_critical_failures(session: DbSession, reviewer: User, visit: Visit) -> list[CorrectiveAction]:
    """On approval: an action per critical question the visit failed (none already raised for it)."""
    failed = [answer for answer in visit.answers if answer.critical_failure]
    if not failed:
        return []
    checklist = checklist_of(visit.template_version)
    due_on = utcnow().date() + timedelta(days=CRITICAL_FAILURE_DUE_DAYS)
    raised = []
    for answer in failed:
        text = checklist.question(answer.question_key).text if checklist.has_question(answer.question_key) else ""
        description = f"Failed in the visit of {visit.finished_at:%Y-%m-%d}, approved {utcnow():%Y-%m-%d}."
        if answer.comment:
            description += f"\nShopper's comment: {answer.comment}"
        action = raise_for_finding(
            session,
            reviewer,
            visit,
            ActionSource.CRITICAL_FAILURE,
            answer.question_key,
            title=f"Critical failure: {text or answer.question_key}",
            description=description,
            due_on=due_on,
        )
        if action is not None:
            raised.append(action)
    return raised


def visit_to_raise_from(session: DbSession, actor: User, visit_id: object) -> Visit | None:
    """The visit a hand-raised action names (None if none is named); one the actor cannot see is not found."""
    if visit_id in (None, ""):
        return None
    try:
        key = visit_id if isinstance(visit_id, uuid.UUID) else uuid.UUID(str(visit_id))
    except ValueError:
        raise NotFound("visit", "No such visit.") from None
    visit = session.get(Visit, key)
    if visit is None or not can_view_visit(actor, visit):
        raise NotFound("visit", "No such visit.")
    return visit
