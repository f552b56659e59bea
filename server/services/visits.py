"""Recording a completed visit and its corrections: the one path by which visit content enters the database."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.answers import validate_visit
from shared.errors import Issue
from shared.schemas import dump_visit, visit_fingerprint
from shared.scoring import score_visit
from shared.visit import Visit as VisitDoc

from ..models import AssignmentStatus, User, Visit, VisitRevision, VisitStatus
from ..models.types import utcnow
from .changes import record_change
from .checklists import checklist_of
from .photo_budgets import manifest_budget_issues
from .visit_checks import (DuplicateVisit, RevisionConflict, VisitRejected, load_document, manifest_issues,
                           photo_issues, pinned_issues)
from .visit_checks import references as _references
from .visit_rows import apply_scored, location_columns, score_columns
from .visit_rows import rows as _rows

__all__ = ["DuplicateVisit", "RevisionConflict", "VisitRejected", "record_revision", "record_visit"]


def record_visit(session: Session, shopper: User, document: Any, *, status: VisitStatus | str | None = None,
                 submitted_at: datetime | None = None, commit: bool = True) -> Visit:
    """Check, score and store a completed visit (revision 1) with all its rows, all or nothing.

    Status defaults to awaiting_photos when the manifest names photos (none has arrived yet), else submitted.
    With commit=False the rows are only flushed: the caller owns the transaction. Raises VisitRejected
    (DuplicateVisit for a known id) with field-path issues before anything is written.
    """
    doc = load_document(document)
    version, branch, assignment = _references(session, shopper, doc)
    checklist = checklist_of(version)
    issues = validate_visit(checklist, doc)
    if issues:
        raise VisitRejected(issues)
    score = score_visit(checklist, doc.answers, doc.photos)
    answers, sections, photos = _rows(doc, checklist, score)
    if status is None:
        status = VisitStatus.AWAITING_PHOTOS if photos else VisitStatus.SUBMITTED
    submitted_at = submitted_at or utcnow()
    visit = Visit(
        id=doc.id, assignment=assignment, branch=branch, shopper=shopper, template_version=version,
        status=VisitStatus(status), revision=1, started_at=doc.started_at, finished_at=doc.finished_at,
        submitted_at=submitted_at, **location_columns(doc), **score_columns(score),
        answers=answers, section_scores=sections, photos=photos,
        revisions=[_revision(doc, 1, submitted_at)],
    )

    def add() -> None:
        session.add(visit)
        if assignment is not None and assignment.status is AssignmentStatus.OPEN:
            assignment.status = AssignmentStatus.SUBMITTED
            record_change(session, "assignment", assignment.id, audience=shopper.id)
        record_change(session, "visit", visit.id, audience=shopper.id)

    def duplicate() -> VisitRejected | None:
        if session.get(Visit, doc.id) is not None:
            return DuplicateVisit([Issue("id", f"a visit with id {doc.id} has already been recorded")])
        rival = session.scalar(select(Visit.id).where(Visit.assignment_id == doc.assignment_id)) \
            if doc.assignment_id else None
        if rival is None:
            return None
        return VisitRejected([Issue("assignment_id", f"the assignment already has visit {rival}")])

    _write(session, add, commit, duplicate)
    return visit


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
    return VisitRevision(revision=number, base_revision=doc.base_revision, content_hash=visit_fingerprint(doc),
                         document=dump_visit(doc), submitted_at=submitted_at)


def _write(session: Session, add: Callable[[], None], commit: bool,
           duplicate: Callable[[], VisitRejected | None]) -> None:
    """Run `add` and flush; with commit, one transaction rolled back whole on any failure.

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
