"""Recording a completed visit: the one path by which visits enter the database (demo loader, sync push)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.answers import validate_visit
from shared.checklist import Checklist
from shared.errors import Issue, VisitInvalid
from shared.schemas import dump_visit, load_visit, visit_fingerprint
from shared.scoring import VisitScore, score_visit
from shared.visit import Visit as VisitDoc

from ..models import (Answer, Assignment, AssignmentStatus, Branch, Photo, Role, TemplateVersion, User, Visit,
                      VisitRevision, VisitSectionScore, VisitStatus, VersionStatus)
from ..models.types import utcnow
from .changes import record_change
from .checklists import checklist_of


class VisitRejected(ValueError):
    """A visit the server will not record; `issues` carry field paths and messages, `reason` a short code."""

    reason = "invalid"

    def __init__(self, issues: Iterable[Issue], reason: str | None = None):
        self.issues: tuple[Issue, ...] = tuple(issues)
        if reason:
            self.reason = reason
        first = self.issues[0].message if self.issues else "no details"
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(f"visit rejected: {first}{more}")

    @property
    def errors(self) -> dict[str, list[str]]:
        """{field.path: [messages]}, the shape API error bodies use."""
        found: dict[str, list[str]] = {}
        for issue in self.issues:
            found.setdefault(issue.path or "_schema", []).append(issue.message)
        return found


class DuplicateVisit(VisitRejected):
    """A visit with this id is already recorded (retries and conflicts are told apart by the sync push)."""

    reason = "duplicate"


def _load(document: Any) -> VisitDoc:
    try:
        return load_visit(document)
    except VisitInvalid as exc:
        raise VisitRejected(exc.issues) from None


def _references(session: Session, shopper: User, doc: VisitDoc) -> tuple[TemplateVersion, Branch, Assignment | None]:
    """Check what the visit points at: its version, branch, assignment; every problem at once."""
    issues: list[Issue] = []
    if not isinstance(shopper, User) or shopper.role is not Role.SHOPPER or not shopper.active:
        raise VisitRejected([Issue("", "only active shoppers can submit visits")], reason="forbidden")
    same = Visit.id == doc.id
    clashes = session.execute(select(Visit.id, Visit.assignment_id).where(
        or_(same, Visit.assignment_id == doc.assignment_id) if doc.assignment_id else same)).all()
    if any(row.id == doc.id for row in clashes):
        raise DuplicateVisit([Issue("id", f"a visit with id {doc.id} has already been recorded")])
    version = session.get(TemplateVersion, doc.template_version_id)
    if version is None:
        issues.append(Issue("template_version_id", f"there is no checklist version {doc.template_version_id}"))
    elif version.status is VersionStatus.DRAFT:
        issues.append(Issue("template_version_id", f"checklist version {version.id} is a draft, not published"))
    branch = session.get(Branch, doc.branch_id)
    if branch is None:
        issues.append(Issue("branch_id", f"there is no branch {doc.branch_id}"))
    assignment = session.get(Assignment, doc.assignment_id) if doc.assignment_id else None
    if doc.assignment_id and (assignment is None or assignment.shopper_id != shopper.id):
        issues.append(Issue("assignment_id", f"there is no assignment {doc.assignment_id} for this shopper"))
        assignment = None
    if assignment is not None:
        issues += _assignment_issues(assignment, doc, version)
        issues += [Issue("assignment_id", f"the assignment already has visit {row.id}") for row in clashes]
    elif doc.assignment_id is None and version is not None and not checklist_of(version).allow_adhoc:
        issues.append(Issue("assignment_id", "this checklist does not allow visits without an assignment"))
    if doc.base_revision is not None:
        issues.append(Issue("base_revision", "must be null for a first submission"))
    if doc.photos:
        taken = set(session.scalars(select(Photo.id).where(Photo.id.in_([p.id for p in doc.photos]))))
        issues += [Issue(f"photos[{i}].id", f"photo {i + 1}: id {p.id} is already used by another visit", p.question)
                   for i, p in enumerate(doc.photos) if p.id in taken]
    if issues:
        raise VisitRejected(issues)
    return version, branch, assignment


def _assignment_issues(assignment: Assignment, doc: VisitDoc, version: TemplateVersion | None) -> list[Issue]:
    issues = []
    if assignment.branch_id != doc.branch_id:
        issues.append(Issue("branch_id", f"the assignment is for branch {assignment.branch_id}, not {doc.branch_id}"))
    if version is not None and version.template_id != assignment.template_id:
        issues.append(Issue("template_version_id", "the assignment is for a different checklist"))
    if assignment.status is AssignmentStatus.CANCELLED:
        issues.append(Issue("assignment_id", "the assignment was cancelled"))
    return issues


def _rows(doc: VisitDoc, checklist: Checklist, score: VisitScore) -> tuple[list, list, list]:
    """Answer, section-score and photo rows for the visit, with each question's scored points."""
    position = {q.key: i for i, q in enumerate(checklist.questions())}
    by_key = {q.key: q for q in score.questions}
    photo_keys = {p.question for p in doc.photos}
    answered = {a.question: a for a in doc.answers}
    answers = []
    for key in sorted(answered.keys() | photo_keys, key=position.__getitem__):
        entry, scored = answered.get(key), by_key[key]
        counts = scored.status == "scored"
        answers.append(Answer(
            question_key=key, section_key=scored.section_key, position=position[key],
            value=entry.value if entry else None, na=bool(entry and entry.na), comment=entry.comment if entry else "",
            earned=scored.earned if counts else None, possible=scored.possible if counts else None,
            critical_failure=scored.critical_failure,
        ))
    sections = [VisitSectionScore(section_key=s.key, position=i, title=s.title, earned=s.earned,
                                  possible=s.possible, percent=s.percent) for i, s in enumerate(score.sections)]
    photos = [Photo(id=p.id, question_key=p.question, sha256=p.sha256, size=p.size, content_type=p.content_type)
              for p in doc.photos]
    return answers, sections, photos


def record_visit(session: Session, shopper: User, document: Any, *, status: VisitStatus | str | None = None,
                 submitted_at: datetime | None = None, commit: bool = True) -> Visit:
    """Check, score and store a completed visit with all its rows, all or nothing.

    Status defaults to awaiting_photos when the manifest names photos (none has arrived yet), else submitted.
    With commit=False the rows are only flushed: the caller owns the transaction (wrap the call in
    session.begin_nested() to undo just this visit on failure). Raises VisitRejected (DuplicateVisit for a
    known id) with field-path issues before anything is written.
    """
    doc = _load(document)
    version, branch, assignment = _references(session, shopper, doc)
    checklist = checklist_of(version)
    issues = validate_visit(checklist, doc)
    if issues:
        raise VisitRejected(issues)
    score = score_visit(checklist, doc.answers, doc.photos)
    answers, sections, photos = _rows(doc, checklist, score)
    if status is None:
        status = VisitStatus.AWAITING_PHOTOS if photos else VisitStatus.SUBMITTED
    location, submitted_at = doc.location, submitted_at or utcnow()
    visit = Visit(
        id=doc.id, assignment=assignment, branch=branch, shopper=shopper, template_version=version,
        status=VisitStatus(status), revision=1, started_at=doc.started_at, finished_at=doc.finished_at,
        submitted_at=submitted_at,
        latitude=location.lat if location else None, longitude=location.lon if location else None,
        accuracy_m=location.accuracy_m if location else None,
        score_percent=score.percent, earned=score.earned, possible=score.possible,
        critical_failures=len(score.critical_failures), flagged=score.flagged, zeroed=score.zeroed,
        answers=answers, section_scores=sections, photos=photos,
        revisions=[VisitRevision(revision=1, base_revision=None, content_hash=visit_fingerprint(doc),
                                 document=dump_visit(doc), submitted_at=submitted_at)],
    )
    _write(session, visit, assignment, commit)
    return visit


def _add(session: Session, visit: Visit, assignment: Assignment | None) -> None:
    session.add(visit)
    if assignment is not None and assignment.status is AssignmentStatus.OPEN:
        assignment.status = AssignmentStatus.SUBMITTED
        record_change(session, "assignment", assignment.id)
    session.flush()


def _write(session: Session, visit: Visit, assignment: Assignment | None, commit: bool) -> None:
    """Write every row in one flush; with commit, one transaction that is rolled back whole on any failure."""
    if not commit:
        _add(session, visit, assignment)
        return
    try:
        _add(session, visit, assignment)
        session.commit()
    except IntegrityError:
        session.rollback()
        if session.get(Visit, visit.id) is not None:  # the same visit arrived concurrently
            raise DuplicateVisit([Issue("id", f"a visit with id {visit.id} has already been recorded")]) from None
        raise
    except Exception:
        session.rollback()
        raise
