"""What a batch of pushed visits points at, read once per batch: versions, branches, assignments, the photo quota,
and the visits and photo ids already stored that the batch's visits would clash with.

Each visit used to read its version, branch and assignment (and the shopper's daily photos, and
its clashes) afresh, in its own transaction; a batch now reads them once, as plain values that
outlive the per-visit commits. What one visit of the batch changes that the next must see is
carried forward here (`recorded`, once the push has committed it). A concurrent push that stores the
same id, assignment or photo id after the batch was read is caught by the unique keys when the visit
is written (the push's `_stored_concurrently` then names the clash), as it always was in the moment
between a check and its write.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.engine import Connection

from server.extensions import DbSession
from server.models import AssignmentStatus, Role, User, VersionStatus
from server.models.types import utcnow
from server.permissions import MAX_INT_ID
from server.services.checklists.versions import published_checklist
from server.services.photos.budgets import DailyPhotos, daily_photos
from server.services.sync import push_queries as queries
from shared.checklist import Checklist
from shared.visit import Visit as VisitDoc


@dataclass(frozen=True)
class VersionFacts:
    """A checklist version as the checks need it, its loaded checklist included."""

    id: int
    template_id: int
    status: VersionStatus
    checklist: Checklist | None
    """None for a draft (a visit of one is refused before its checklist is needed)."""


@dataclass(frozen=True)
class BranchFacts:
    id: int
    active: bool


@dataclass(frozen=True)
class AssignmentFacts:
    id: uuid.UUID
    shopper_id: int
    branch_id: int
    template_id: int
    status: AssignmentStatus


@dataclass
class PushLookups:
    """The batch's references by id (absent: no such row), the shopper's standing and branches, the daily photos."""

    shopper_id: int | None
    may_submit: bool
    versions: dict[int, VersionFacts] = field(default_factory=dict)
    branches: dict[int, BranchFacts] = field(default_factory=dict)
    assignments: dict[uuid.UUID, AssignmentFacts] = field(default_factory=dict)
    worked_at: set[int] = field(default_factory=set)
    photos_sent: DailyPhotos | None = None
    stored: set[uuid.UUID] = field(default_factory=set)
    """Ids of the batch already stored (retries, corrections)."""
    assignment_visits: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    """The batch's assignments: the visits stored for them."""
    photos_taken: set[uuid.UUID] = field(default_factory=set)
    """Photo ids of the batch's manifests already named by a stored visit."""

    def clashes(self, doc: VisitDoc) -> tuple[bool, list[uuid.UUID], set[uuid.UUID]]:
        """(the id is stored, visits stored for its assignment, its manifest's photo ids in use)."""
        others = self.assignment_visits.get(doc.assignment_id, []) if doc.assignment_id else []
        return doc.id in self.stored, others, {p.id for p in doc.photos if p.id in self.photos_taken}

    @classmethod
    def load(cls, session: DbSession, shopper: object, docs: Iterable[VisitDoc]) -> PushLookups:
        """One query per kind of reference the documents name (none for kinds they do not name).

        Pending changes of the caller are flushed first, as the ORM would before its own queries;
        the statements are push_queries' prepared ones, run on the session's connection.
        """
        docs = list(docs)
        if not isinstance(shopper, User):
            return cls(None, False)
        found = cls(shopper.id, bool(shopper.role is Role.SHOPPER and shopper.active))
        if not found.may_submit or not docs:
            return found
        connection = queries.connection_after_flush(session)
        version_ids = {d.template_version_id for d in docs if 0 < d.template_version_id <= MAX_INT_ID}
        for version_id, template_id, status, definition in connection.execute(
            queries.VERSIONS, {"ids": list(version_ids)}
        ):
            draft = status is VersionStatus.DRAFT
            found.versions[version_id] = VersionFacts(
                version_id, template_id, status, None if draft else published_checklist(definition)
            )
        branch_ids = {d.branch_id for d in docs if 0 < d.branch_id <= MAX_INT_ID}
        found.branches = {
            row.id: BranchFacts(row.id, row.active)
            for row in connection.execute(queries.BRANCHES, {"ids": list(branch_ids)})
        }
        assignment_ids = {d.assignment_id for d in docs if d.assignment_id}
        if assignment_ids:
            found.assignments = {
                row.id: AssignmentFacts(*row)
                for row in connection.execute(queries.ASSIGNMENTS, {"ids": list(assignment_ids)})
            }
        adhoc = {d.branch_id for d in docs if d.assignment_id is None and d.branch_id in found.branches}
        if adhoc:
            found.worked_at = set(
                connection.scalars(queries.WORKED_AT, {"shopper": found.shopper_id, "branches": list(adhoc)})
            )
        if any(d.photos for d in docs):
            found.photos_sent = daily_photos(session, shopper.id, utcnow())
        found._load_clashes(connection, docs, assignment_ids)
        return found

    def _load_clashes(self, connection: Connection, docs: list[VisitDoc], assignment_ids: set[uuid.UUID]) -> None:
        """In one query: stored visits with the batch's ids or assignments, and the manifests' photo ids in use."""
        ids = {d.id for d in docs}
        photo_ids = {p.id for d in docs for p in d.photos}
        query = queries.clashes_query(bool(assignment_ids), bool(photo_ids))
        params = {"ids": list(ids), "assignments": list(assignment_ids), "photos": list(photo_ids)}
        for kind, key, other in connection.execute(query, params):
            if kind == "photo":
                self.photos_taken.add(key)
                continue
            if key in ids:
                self.stored.add(key)
            if other is not None:
                self.assignment_visits.setdefault(other, []).append(key)

    def recorded(self, doc: VisitDoc, submitted_at: datetime) -> None:
        """A visit of the batch was stored: its assignment is submitted, its photos count towards the quota."""
        assignment = self.assignments.get(doc.assignment_id) if doc.assignment_id else None
        if assignment is not None and assignment.status is AssignmentStatus.OPEN:
            self.assignments[assignment.id] = replace(assignment, status=AssignmentStatus.SUBMITTED)
        self.worked_at.add(doc.branch_id)
        self.stored.add(doc.id)
        if doc.assignment_id:
            self.assignment_visits.setdefault(doc.assignment_id, []).append(doc.id)
        self.photos_taken.update(p.id for p in doc.photos)
        if self.photos_sent is not None:
            self.photos_sent = self.photos_sent.plus(doc, submitted_at)
