"""Recording a completed visit and its corrections: the one path by which visit content enters the database.

Both read top to bottom: check references → validate → score → rows → write. They only flush, so the
caller owns the transaction (the sync push commits each visit in its own `atomic` block, and decides
there whether a unique-key clash on the flush means the visit was stored concurrently).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update

from server.extensions import DbSession
from server.models import Assignment, AssignmentStatus, User, Visit, VisitRevision, VisitStatus
from server.models.types import utcnow
from server.services.checklists.versions import checklist_of
from server.services.photos.budgets import PhotoLimits, manifest_budget_issues
from server.services.scores.marks import visit_inserted
from server.services.sync.changes import change_row, insert_changes, record_change
from server.services.sync.push_lookups import AssignmentFacts, BranchFacts, PushLookups, VersionFacts
from server.services.visits.checks import (
    DuplicateVisit,
    VisitRejected,
    load_document,
    manifest_issues,
    photo_issues,
    pinned_issues,
)
from server.services.visits.checks import references as _references
from server.services.visits.inserts import insert_visit_rows, stored_visit
from server.services.visits.rows import apply_scored, location_columns, outcome_columns, score_columns
from server.services.visits.rows import row_values as _row_values
from server.services.visits.rows import rows as _rows
from server.services.webhooks.outbox import visit_event
from shared.answers import validate_visit
from shared.errors import Issue
from shared.schemas import document_fingerprint, dump_visit
from shared.scoring import VisitScore, score_visit
from shared.visit import Visit as VisitDoc

__all__ = ["DuplicateVisit", "RevisionConflict", "VisitRejected", "record_revision", "record_visit"]


class RevisionConflict(VisitRejected):
    """A correction that may not be stored: the visit is not returned for correction, or its base revision is stale."""

    status = 409
    reason = "conflict"


def record_visit(
    session: DbSession,
    shopper: User,
    document: Any,
    *,
    limits: PhotoLimits,
    status: VisitStatus | str | None = None,
    submitted_at: datetime | None = None,
    lookups: PushLookups | None = None,
) -> Visit:
    """Check, score and write a completed visit (revision 1) with all its rows, flushed in the caller's transaction.

    Status defaults to awaiting_photos when the manifest names photos (none has arrived yet), else submitted.
    Raises VisitRejected (DuplicateVisit for a known id) with field-path issues before anything is written;
    a visit stored concurrently since the checks shows as an IntegrityError of the flush. `lookups`: the
    references of the push batch this visit is part of, read once for the batch (see push_lookups).
    The rows go in as Core inserts, one per table; the Visit returned is the stored row, attached to the
    session without reading it back (its collections load when first used).
    """
    doc = load_document(document)
    lookups = lookups if lookups is not None else PushLookups.load(session, shopper, [doc])
    version, branch, assignment = _references(session, shopper, doc, lookups, limits)
    checklist = version.checklist
    assert checklist is not None  # only a draft has none, and the checks refused a visit of a draft
    _refuse(validate_visit(checklist, doc))
    score = score_visit(checklist, doc.answers, doc.photos)
    rows = _row_values(doc, checklist, score)
    columns = _visit_columns(
        doc,
        score,
        version,
        branch,
        assignment,
        lookups.shopper_id,
        _first_status(doc, status),
        submitted_at or utcnow(),
    )
    _write(session, lambda: _insert_visit(session, columns, doc, rows, assignment))
    visit = stored_visit(session, columns)
    if visit.status is VisitStatus.SUBMITTED:  # with photos to come, the last photo's arrival submits it
        visit_event(session, "visit.submitted", visit)
    return visit


def record_revision(
    session: DbSession,
    shopper: User,
    visit: Visit,
    document: Any,
    *,
    limits: PhotoLimits,
    submitted_at: datetime | None = None,
) -> Visit:
    """Write a correction of a returned visit as revision n+1: answers and scores replaced, earlier documents kept.

    The document must name `base_revision` = the visit's current revision and keep the visit's
    version, branch and assignment. Raises RevisionConflict (stale base, visit not returned) or
    VisitRejected with field paths; nothing is written then. Flushed in the caller's transaction: a
    correction stored concurrently shows as an IntegrityError of the flush (one revision n+1 per visit).
    """
    doc = load_document(document)
    _check_correctable(shopper, visit, doc)
    checklist = checklist_of(visit.template_version)
    _refuse(
        pinned_issues(visit, doc)
        + photo_issues(session, visit, doc)
        + manifest_issues(doc, limits)
        + manifest_budget_issues(session, shopper, doc, limits)
        + validate_visit(checklist, doc)
    )
    score = score_visit(checklist, doc.answers, doc.photos)
    answers, sections, photos = _rows(doc, checklist, score)
    known = {photo.id: photo for photo in visit.photos}
    fresh = [photo for photo in photos if photo.id not in known]
    complete = all(known[p.id].completed_at is not None for p in doc.photos if p.id in known)
    revision, submitted_at = visit.revision + 1, submitted_at or utcnow()

    def correct() -> None:
        apply_scored(visit, doc, score, answers, sections)
        visit.photos.extend(fresh)
        visit.revisions.append(_revision(doc, revision, submitted_at))
        visit.status = VisitStatus.SUBMITTED if complete and not fresh else VisitStatus.AWAITING_PHOTOS
        visit.revision, visit.submitted_at = revision, submitted_at
        record_change(session, "visit", visit.id, audience=shopper.id)

    _write(session, correct)
    if visit.status is VisitStatus.SUBMITTED:
        visit_event(session, "visit.submitted", visit)
    return visit


def _refuse(issues: list[Issue]) -> None:
    """Every issue found, at once, before anything is written."""
    if issues:
        raise VisitRejected(issues)


def _check_correctable(shopper: User, visit: Visit, doc: VisitDoc) -> None:
    """Only the visit's shopper corrects it, only while it is returned, and only from its current revision."""
    if doc.id != visit.id or not isinstance(shopper, User) or shopper.id != visit.shopper_id or not shopper.active:
        raise VisitRejected([Issue("", "only the visit's shopper can correct it")], reason="forbidden", status=403)
    if visit.status is not VisitStatus.RETURNED:
        raise RevisionConflict([Issue("", f"the visit is {visit.status.value}, not returned for correction")])
    if doc.base_revision != visit.revision:
        raise RevisionConflict(
            [
                Issue(
                    "base_revision",
                    f"the correction is based on revision {doc.base_revision} "
                    f"but the server holds revision {visit.revision}",
                )
            ]
        )


def _first_status(doc: VisitDoc, status: VisitStatus | str | None) -> VisitStatus:
    """The caller's status, else awaiting_photos while the manifest's photos are to come, else submitted."""
    if status is not None:
        return VisitStatus(status)
    return VisitStatus.AWAITING_PHOTOS if doc.photos else VisitStatus.SUBMITTED


def _visit_columns(
    doc: VisitDoc,
    score: VisitScore,
    version: VersionFacts,
    branch: BranchFacts,
    assignment: AssignmentFacts | None,
    shopper_id: int | None,
    status: VisitStatus,
    submitted_at: datetime,
) -> dict:
    """The new visit row: what it points at, its times, location and score, not yet reviewed."""
    return {
        "id": doc.id,
        "assignment_id": assignment.id if assignment else None,
        "branch_id": branch.id,
        "shopper_id": shopper_id,
        "template_version_id": version.id,
        "status": status,
        "revision": 1,
        "started_at": doc.started_at,
        "finished_at": doc.finished_at,
        "submitted_at": submitted_at,
        **location_columns(doc),
        **score_columns(score),
        **outcome_columns(doc),
        "review_note": "",
        "reviewed_by_id": None,
        "reviewed_at": None,
    }


def _insert_visit(
    session: DbSession,
    columns: dict,
    doc: VisitDoc,
    rows: tuple[list[dict], list[dict], list[dict]],
    assignment: AssignmentFacts | None,
) -> None:
    """The change rows, the visit's rows, its score marks and its open assignment marked submitted."""
    session.flush()  # anything the caller left pending goes first, as one flush of everything would
    audience = columns["shopper_id"]
    to_submit = assignment if assignment is not None and assignment.status is AssignmentStatus.OPEN else None
    changes = [change_row("visit", doc.id, audience=audience)]
    if to_submit is not None:
        changes.insert(0, change_row("assignment", to_submit.id, audience=audience))
    insert_changes(session, changes)  # first: on PostgreSQL the changes lock comes before any row lock
    insert_visit_rows(session, columns, doc, rows, columns["submitted_at"])
    visit_inserted(session, columns["branch_id"], doc.finished_at, columns["status"])
    if to_submit is not None:
        session.execute(
            update(Assignment)
            .where(Assignment.id == to_submit.id)
            .values(status=AssignmentStatus.SUBMITTED)
            .execution_options(synchronize_session="evaluate")
        )


def _revision(doc: VisitDoc, number: int, submitted_at: datetime) -> VisitRevision:
    document = dump_visit(doc)
    return VisitRevision(
        revision=number,
        base_revision=doc.base_revision,
        content_hash=document_fingerprint(document),
        document=document,
        submitted_at=submitted_at,
    )


def _write(session: DbSession, add: Callable[[], None]) -> None:
    """Run `add` (ORM changes, or Core inserts) and flush once: on PostgreSQL the changes lock comes before any row
    lock. In the caller's transaction: a failure leaves rolling back to the caller (its `atomic` block)."""
    with session.no_autoflush:
        add()
    session.flush()
