"""Recording a completed visit and its corrections: the one path by which visit content enters the database."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.answers import validate_visit
from shared.errors import Issue
from shared.schemas import document_fingerprint, dump_visit
from shared.scoring import score_visit
from shared.visit import Visit as VisitDoc

from server.models import Assignment, AssignmentStatus, User, Visit, VisitRevision, VisitStatus
from server.models.types import utcnow
from server.services.sync.changes import change_row, insert_changes, record_change
from server.services.checklists.versions import checklist_of
from server.services.photos.budgets import manifest_budget_issues
from server.services.visits.checks import (DuplicateVisit, RevisionConflict, VisitRejected, load_document, manifest_issues,
                           photo_issues, pinned_issues)
from server.services.visits.checks import references as _references
from server.services.sync.push_lookups import PushLookups
from server.services.scores.marks import visit_inserted
from server.services.visits.inserts import insert_visit_rows, stored_visit
from server.services.visits.rows import apply_scored, location_columns, score_columns
from server.services.visits.rows import row_values as _row_values
from server.services.visits.rows import rows as _rows

__all__ = ["DuplicateVisit", "RevisionConflict", "VisitRejected", "record_revision", "record_visit"]


def record_visit(session: Session, shopper: User, document: Any, *, status: VisitStatus | str | None = None,
                 submitted_at: datetime | None = None, commit: bool = True,
                 lookups: PushLookups | None = None) -> Visit:
    """Check, score and store a completed visit (revision 1) with all its rows, all or nothing.

    Status defaults to awaiting_photos when the manifest names photos (none has arrived yet), else submitted.
    With commit=False the rows are only written: the caller owns the transaction. Raises VisitRejected
    (DuplicateVisit for a known id) with field-path issues before anything is written. `lookups`: the
    references of the push batch this visit is part of, read once for the batch (see push_lookups).
    The rows go in as Core inserts, one per table; the Visit returned is the stored row, attached to the
    session without reading it back (its collections load when first used).
    """
    doc = load_document(document)
    if lookups is None:
        lookups = PushLookups.load(session, shopper, [doc])
    version, branch, assignment = _references(session, shopper, doc, lookups)
    checklist = version.checklist
    issues = validate_visit(checklist, doc)
    if issues:
        raise VisitRejected(issues)
    score = score_visit(checklist, doc.answers, doc.photos)
    rows = _row_values(doc, checklist, score)
    status = VisitStatus(status) if status is not None else \
        VisitStatus.AWAITING_PHOTOS if doc.photos else VisitStatus.SUBMITTED
    submitted_at = submitted_at or utcnow()
    columns = {"id": doc.id, "assignment_id": assignment.id if assignment else None, "branch_id": branch.id,
               "shopper_id": lookups.shopper_id, "template_version_id": version.id, "status": status, "revision": 1,
               "started_at": doc.started_at, "finished_at": doc.finished_at, "submitted_at": submitted_at,
               **location_columns(doc), **score_columns(score), "review_note": "", "reviewed_by_id": None,
               "reviewed_at": None}
    submits = assignment is not None and assignment.status is AssignmentStatus.OPEN

    def add() -> None:
        session.flush()  # anything the caller left pending goes first, as one flush of everything would
        changes = [change_row("visit", doc.id, audience=lookups.shopper_id)]
        if submits:
            changes.insert(0, change_row("assignment", assignment.id, audience=lookups.shopper_id))
        insert_changes(session, changes)  # first: on PostgreSQL the changes lock comes before any row lock
        insert_visit_rows(session, columns, doc, rows, submitted_at)
        visit_inserted(session, branch.id, doc.finished_at, status)
        if submits:
            session.execute(update(Assignment).where(Assignment.id == assignment.id)
                            .values(status=AssignmentStatus.SUBMITTED)
                            .execution_options(synchronize_session="evaluate"))

    def duplicate() -> VisitRejected | None:
        if session.get(Visit, doc.id) is not None:
            return DuplicateVisit([Issue("id", f"a visit with id {doc.id} has already been recorded")])
        rival = session.scalar(select(Visit.id).where(Visit.assignment_id == doc.assignment_id)) \
            if doc.assignment_id else None
        if rival is None:
            return None
        return VisitRejected([Issue("assignment_id", f"the assignment already has visit {rival}")])

    _write(session, add, commit, duplicate)
    lookups.recorded(doc, submitted_at)
    return stored_visit(session, columns)


def record_revision(session: Session, shopper: User, visit: Visit, document: Any, *,
                    submitted_at: datetime | None = None, commit: bool = True) -> Visit:
    """Store a correction of a returned visit as revision n+1: answers and scores replaced, earlier documents kept.

    The document must name `base_revision` = the visit's current revision and keep the visit's
    version, branch and assignment. Raises RevisionConflict (stale base, visit not returned, or a
    concurrent correction won) or VisitRejected with field paths; nothing is written then.
    """
    doc = load_document(document)
    if doc.id != visit.id or not isinstance(shopper, User) or shopper.id != visit.shopper_id or not shopper.active:
        raise VisitRejected([Issue("", "only the visit's shopper can correct it")], reason="forbidden")
    if visit.status is not VisitStatus.RETURNED:
        raise RevisionConflict([Issue("", f"the visit is {visit.status.value}, not returned for correction")])
    if doc.base_revision != visit.revision:
        raise RevisionConflict([Issue("base_revision", f"the correction is based on revision {doc.base_revision} "
                                                        f"but the server holds revision {visit.revision}")])
    checklist = checklist_of(visit.template_version)
    issues = (pinned_issues(visit, doc) + photo_issues(session, visit, doc) + manifest_issues(doc)
              + manifest_budget_issues(session, shopper, doc) + validate_visit(checklist, doc))
    if issues:
        raise VisitRejected(issues)
    score = score_visit(checklist, doc.answers, doc.photos)
    answers, sections, photos = _rows(doc, checklist, score)
    known = {photo.id: photo for photo in visit.photos}
    fresh = [photo for photo in photos if photo.id not in known]
    complete = all(known[p.id].completed_at is not None for p in doc.photos if p.id in known)
    revision, submitted_at = visit.revision + 1, submitted_at or utcnow()

    def add() -> None:
        apply_scored(visit, doc, score, answers, sections)
        visit.photos.extend(fresh)
        visit.revisions.append(_revision(doc, revision, submitted_at))
        visit.status = VisitStatus.SUBMITTED if complete and not fresh else VisitStatus.AWAITING_PHOTOS
        visit.revision, visit.submitted_at = revision, submitted_at
        record_change(session, "visit", visit.id, audience=shopper.id)

    def duplicate() -> VisitRejected | None:
        taken = select(VisitRevision.id).where(VisitRevision.visit_id == doc.id, VisitRevision.revision == revision)
        if session.scalar(taken) is None:
            return None
        return RevisionConflict([Issue("", "another correction of this visit was stored first")])

    _write(session, add, commit, duplicate)
    return visit


def _revision(doc: VisitDoc, number: int, submitted_at: datetime) -> VisitRevision:
    document = dump_visit(doc)
    return VisitRevision(revision=number, base_revision=doc.base_revision, content_hash=document_fingerprint(document),
                         document=document, submitted_at=submitted_at)


def _write(session: Session, add: Callable[[], None], commit: bool,
           duplicate: Callable[[], VisitRejected | None]) -> None:
    """Run `add` (ORM changes, or Core inserts) and flush; with commit, one transaction rolled back whole on any failure.

    After an IntegrityError, `duplicate()` says whether the same visit (or revision) arrived concurrently.
    """
    if not commit:
        with session.no_autoflush:
            add()
        session.flush()
        return
    try:
        with session.no_autoflush:  # one flush: on PostgreSQL the changes lock comes before any row lock
            add()
        session.flush()
        session.commit()
    except IntegrityError:
        session.rollback()
        clash = duplicate()
        if clash is None:
            raise
        raise clash from None
    except Exception:
        session.rollback()
        raise
