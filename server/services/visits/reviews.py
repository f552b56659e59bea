"""Reviewing submitted visits (admins): approve, reject, or return to the shopper for correction.

Each decision records who made it and when, and a change for the visit, so the shopper's
phone learns of it on its next pull. A returned visit also re-announces its branch and
pinned checklist version to the shopper, whose phone may have dropped them since.
Each decision also adds its webhook events (services/webhooks/outbox.py) and its e-mail alerts
(services/mail/alerts.py: a return tells the shopper, a critical failure the region's managers) to the same
transaction.
Nothing here commits: the caller's transaction (the review page's) carries the decision.
"""

from __future__ import annotations

from server.extensions import DbSession
from server.models import AssignmentStatus, User, Visit, VisitStatus
from server.models.types import utcnow
from server.permissions import can_manage
from server.services.actions.raising import raise_for_critical_failures
from server.services.activity import log_activity
from server.services.errors import ServiceError
from server.services.mail.alerts import alert_critical_failure, alert_visit_returned
from server.services.sync.changes import record_change
from server.services.webhooks.outbox import assignment_event, critical_failure_event, visit_event

MAX_NOTE_LENGTH = 2000


class ReviewError(ServiceError):
    """A review that cannot be made; `field` names the input at fault."""


class ReviewForbidden(ReviewError):
    """The reviewer is not an admin."""

    status = 403


def _note(note: object, required: bool) -> str:
    text = str(note or "").strip()
    if required and not text:
        raise ReviewError("note", "Say what the shopper should correct.")
    if len(text) > MAX_NOTE_LENGTH:
        raise ReviewError("note", f"The note must be at most {MAX_NOTE_LENGTH} characters long.")
    return text


def _decide(session: DbSession, reviewer: User, visit: Visit, status: VisitStatus, note: object, verb: str) -> None:
    """Check and record one review decision; a return needs a note."""
    if not can_manage(reviewer):
        raise ReviewForbidden("reviewer", "Only admins review visits.")
    note = _note(note, required=status is VisitStatus.RETURNED)
    if visit.status is not VisitStatus.SUBMITTED:
        raise ReviewError("status", f"Visit {visit.id} is {visit.status.value}; only submitted visits can be {verb}.")
    visit.status = status
    visit.reviewed_by_id, visit.reviewed_at, visit.review_note = reviewer.id, utcnow(), note
    log_activity(
        session,
        reviewer,
        verb,
        "visit",
        visit.id,
        f"Visit of {visit.finished_at:%Y-%m-%d} at branch {visit.branch_id} {verb}" + (f": {note}" if note else ""),
    )


def _close_assignment(session: DbSession, visit: Visit) -> None:
    with session.no_autoflush:  # flush once, at commit: on PostgreSQL the changes lock comes before row locks
        assignment = visit.assignment
    if assignment is not None and assignment.status is AssignmentStatus.SUBMITTED:
        assignment.status = AssignmentStatus.DONE
        record_change(session, "assignment", assignment.id, audience=assignment.shopper_id)
        assignment_event(session, "assignment.completed", assignment, visit)


def _finish(session: DbSession, visit: Visit) -> Visit:
    record_change(session, "visit", visit.id, audience=visit.shopper_id)
    return visit


def return_for_correction(session: DbSession, reviewer: User, visit: Visit, note: str) -> Visit:
    """Send a submitted visit back to its shopper with a note; they resubmit it as the next revision."""
    _decide(session, reviewer, visit, VisitStatus.RETURNED, note, "returned")
    record_change(session, "template_version", visit.template_version_id, audience=visit.shopper_id)
    record_change(session, "branch", visit.branch_id, audience=visit.shopper_id)
    visit_event(session, "visit.returned", visit)
    _finish(session, visit)
    alert_visit_returned(session, visit)  # after the change rows: it reads (and flushes), see approve_visit
    return visit


def approve_visit(session: DbSession, reviewer: User, visit: Visit, note: str = "") -> Visit:
    """Accept a submitted visit: it counts in the scores, its assignment is done, and each critical question it
    failed raises a corrective action for the branch (once per finding, services/actions/raising.py)."""
    _decide(session, reviewer, visit, VisitStatus.APPROVED, note, "approved")
    visit_event(session, "visit.approved", visit)
    critical_failure_event(session, visit)
    _close_assignment(session, visit)
    _finish(session, visit)
    # Last: raising and the alert read and flush, and by now the change rows are added, so that first flush takes
    # the changes lock before any row lock, as the module docstring of models/changes.py asks.
    raise_for_critical_failures(session, reviewer, visit)
    alert_critical_failure(session, visit)
    return visit


def reject_visit(session: DbSession, reviewer: User, visit: Visit, note: str = "") -> Visit:
    """Refuse a submitted visit for good (it never counts in scores); its assignment is closed."""
    _decide(session, reviewer, visit, VisitStatus.REJECTED, note, "rejected")
    visit_event(session, "visit.rejected", visit)
    _close_assignment(session, visit)
    return _finish(session, visit)
