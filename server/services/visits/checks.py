"""What a visit document must satisfy before it is stored: its references, and for a correction, what it keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from server.extensions import DbSession
from server.models import AssignmentStatus, Photo, User, VersionStatus, Visit
from server.services.errors import ServiceError, first_and_more
from server.services.photos.budgets import PhotoLimits, manifest_budget_issues
from server.services.sync.push_lookups import AssignmentFacts, BranchFacts, PushLookups, VersionFacts
from shared.errors import Issue, VisitInvalid
from shared.schemas import load_visit
from shared.visit import Visit as VisitDoc


class VisitRejected(ServiceError):
    """A visit the server will not record; `issues` carry field paths and messages, `reason` a short code.

    The whole document is at fault (`field` None); `errors` (and `as_errors`) map each issue's path to its messages.
    """

    status = 422
    reason = "invalid"

    def __init__(self, issues: Iterable[Issue], reason: str | None = None, *, status: int | None = None):
        self.issues: tuple[Issue, ...] = tuple(issues)
        if reason:
            self.reason = reason
        details = first_and_more(issue.message for issue in self.issues) or "no details"
        super().__init__(None, f"visit rejected: {details}", status=status)

    @property
    def errors(self) -> dict[str, list[str]]:
        """{field.path: [messages]}, the shape API error bodies use."""
        found: dict[str, list[str]] = {}
        for issue in self.issues:
            found.setdefault(issue.path or "_schema", []).append(issue.message)
        return found

    def as_errors(self) -> dict[str, list[str]]:
        return self.errors


class DuplicateVisit(VisitRejected):
    """A visit with this id is already recorded (retries and conflicts are told apart by the sync push)."""

    status = 409
    reason = "duplicate"


def load_document(document: Any) -> VisitDoc:
    """The loaded visit (documents already loaded pass through); VisitRejected with every shape issue."""
    if isinstance(document, VisitDoc):
        return document
    try:
        return load_visit(document)
    except VisitInvalid as exc:
        raise VisitRejected(exc.issues) from None


def references(
    session: DbSession,
    shopper: User,
    doc: VisitDoc,
    lookups: PushLookups,
    limits: PhotoLimits,
) -> tuple[VersionFacts, BranchFacts, AssignmentFacts | None]:
    """Check what the visit points at: its version, branch, assignment, photo ids; every problem at once.

    `lookups`: the references of the visit's batch, read once (push_lookups).
    """
    issues: list[Issue] = []
    if not lookups.may_submit:
        raise VisitRejected([Issue("", "only active shoppers can submit visits")], reason="forbidden", status=403)
    stored, visits, taken = lookups.clashes(doc)
    if stored:
        raise DuplicateVisit([Issue("id", f"a visit with id {doc.id} has already been recorded")])
    version = lookups.versions.get(doc.template_version_id)
    if version is None:
        issues.append(Issue("template_version_id", f"there is no checklist version {doc.template_version_id}"))
    elif version.status is VersionStatus.DRAFT:
        issues.append(Issue("template_version_id", f"checklist version {version.id} is a draft, not published"))
    branch = lookups.branches.get(doc.branch_id)
    if branch is None:
        issues.append(Issue("branch_id", f"there is no branch {doc.branch_id}"))
    assignment = lookups.assignments.get(doc.assignment_id) if doc.assignment_id else None
    if doc.assignment_id and (assignment is None or assignment.shopper_id != lookups.shopper_id):
        issues.append(Issue("assignment_id", f"there is no assignment {doc.assignment_id} for this shopper"))
        assignment = None
    if assignment is not None:
        issues += _assignment_issues(assignment, doc, version)
        issues += [assignment_taken(visit_id) for visit_id in visits]
    elif (
        doc.assignment_id is None
        and version is not None
        and version.checklist is not None
        and not version.checklist.allow_adhoc
    ):
        issues.append(Issue("assignment_id", "this checklist does not allow visits without an assignment"))
    elif doc.assignment_id is None and branch is not None and not (branch.active and branch.id in lookups.worked_at):
        # Ad-hoc visits go to active branches the shopper already works at (as the shopper's branch list shows them).
        issues.append(Issue("branch_id", f"there is no branch {doc.branch_id}"))
    if doc.base_revision is not None:
        issues.append(Issue("base_revision", "must be null for a first submission"))
    if doc.photos:
        issues += [
            Issue(f"photos[{i}].id", f"photo {i + 1}: id {p.id} is already used by another visit", p.question)
            for i, p in enumerate(doc.photos)
            if p.id in taken
        ]
        issues += manifest_issues(doc, limits) + manifest_budget_issues(
            session, shopper, doc, limits, lookups.photos_sent
        )
    if issues:
        raise VisitRejected(issues)
    assert version is not None and branch is not None  # a missing one added an issue above
    return version, branch, assignment


def assignment_taken(visit_id: object) -> Issue:
    """One assignment, one visit: the issue naming the visit already stored for it."""
    return Issue("assignment_id", f"the assignment already has visit {visit_id}")


def _assignment_issues(assignment: AssignmentFacts, doc: VisitDoc, version: VersionFacts | None) -> list[Issue]:
    issues = []
    if assignment.branch_id != doc.branch_id:
        issues.append(Issue("branch_id", f"the assignment is for branch {assignment.branch_id}, not {doc.branch_id}"))
    if version is not None and version.template_id != assignment.template_id:
        issues.append(Issue("template_version_id", "the assignment is for a different checklist"))
    if assignment.status is AssignmentStatus.CANCELLED:
        issues.append(Issue("assignment_id", "the assignment was cancelled"))
    return issues


def pinned_issues(visit: Visit, doc: VisitDoc) -> list[Issue]:
    """A correction keeps what the visit was pinned to: its checklist version, branch and assignment."""
    pinned = (
        ("template_version_id", visit.template_version_id, doc.template_version_id),
        ("branch_id", visit.branch_id, doc.branch_id),
        ("assignment_id", visit.assignment_id, doc.assignment_id),
    )
    return [
        Issue(name, f"a correction must keep {name} {stored} (got {sent})")
        for name, stored, sent in pinned
        if stored != sent
    ]


def manifest_issues(doc: VisitDoc, limits: PhotoLimits) -> list[Issue]:
    """Photos the upload endpoint would refuse: refused now, so no visit waits forever for them."""
    from server.services.photos.checks import KINDS
    from server.services.photos.renditions import NAMES, readable

    limit = limits.photo_bytes
    issues = []
    for i, ref in enumerate(doc.photos):
        if ref.size > limit:
            issues.append(
                Issue(
                    f"photos[{i}].size",
                    f"photo {i + 1}: {ref.size:,} bytes is over the {limit:,}-byte limit for one photo",
                    ref.question,
                )
            )
        if ref.content_type not in KINDS:
            issues.append(
                Issue(
                    f"photos[{i}].content_type",
                    f"photo {i + 1}: {ref.content_type} is not a supported photo type ({', '.join(sorted(KINDS))})",
                    ref.question,
                )
            )
        elif not readable(ref.content_type):
            issues.append(
                Issue(
                    f"photos[{i}].content_type",
                    f"photo {i + 1}: this server cannot read {NAMES[ref.content_type]} photos; send JPEG, PNG or WebP",
                    ref.question,
                )
            )
    return issues


def photo_issues(session: DbSession, visit: Visit, doc: VisitDoc) -> list[Issue]:
    """Photo ids stay unique across visits, and a photo sent again must be the same photo."""
    if not doc.photos:
        return []
    found = {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_([p.id for p in doc.photos])))}
    issues = []
    for i, ref in enumerate(doc.photos):
        row = found.get(ref.id)
        if row is not None and row.visit_id != visit.id:
            issues.append(
                Issue(f"photos[{i}].id", f"photo {i + 1}: id {ref.id} is already used by another visit", ref.question)
            )
        elif row is not None and (row.sha256, row.size, row.content_type) != (ref.sha256, ref.size, ref.content_type):
            issues.append(
                Issue(
                    f"photos[{i}].id",
                    f"photo {i + 1}: id {ref.id} was sent before with other content; a new picture needs a new id",
                    ref.question,
                )
            )
    return issues
