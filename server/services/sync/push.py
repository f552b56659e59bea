"""Sync push: every visit of a batch in its own transaction, answered created / unchanged / conflict / invalid.

One transaction per visit, deliberately (`atomic` around each write): one bad visit never sinks the batch.
What the batch refers to (versions, branches, assignments, the shopper's daily photos) is read once
for the batch (push_lookups); each visit is then checked and written on its own, and a retried batch
is always safe: content already stored (same fingerprint as one of the visit's revisions) answers
`unchanged`. Two pushes of the same visit at once store it once: whatever the loser meets (a refusal
by checks that ran before the winner committed, or the unique-key clash of its write),
`_stored_concurrently` decides from what the database holds now. SQLite's "database is locked" (and
PostgreSQL deadlocks or serialization failures) roll the visit back and try it again.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from server.extensions import DbSession
from server.models import User, Visit, VisitRevision
from server.services.photos.budgets import PhotoLimits
from server.services.sync.push_lookups import PushLookups
from server.services.transactions import atomic, in_atomic
from server.services.visits.checks import DuplicateVisit, VisitRejected, assignment_taken
from server.services.visits.record import RevisionConflict, record_revision, record_visit
from server.services.visits.state import missing_photos
from shared.errors import VisitInvalid, first_and_more
from shared.schemas import load_visit, visit_fingerprint
from shared.visit import Visit as VisitDoc

ATTEMPTS = 5
BACKOFF_SECONDS = 0.05
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization failure, deadlock, lock not available
FOREIGN_ID = "A different visit with this id is already on the server; this one was not stored."
DIFFERENT_CONTENT = "The server already holds different content for this visit; nothing was overwritten."
CORRECTED_FIRST = "another correction of this visit was stored first"


@dataclass(frozen=True)
class PushResult:
    """What happened to one pushed visit; `as_wire()` is its JSON object in the push answer (docs/sync-protocol.md)."""

    id: str | None
    """The visit id as the phone sent it, so it can match the answer to its visit even when the visit is invalid."""
    result: str
    """created, unchanged, conflict or invalid."""
    revision: int | None = None
    status: str | None = None
    missing_photos: tuple[str, ...] | None = None
    errors: dict[str, list[str]] | None = field(default=None, hash=False)
    message: str | None = None

    def as_wire(self) -> dict:
        """`id` and `result`, then the fields this kind of answer has (those left None are not sent)."""
        wire: dict[str, Any] = {"id": self.id, "result": self.result}
        for name in ("revision", "status", "missing_photos", "errors", "message"):
            value = getattr(self, name)
            if value is not None:
                wire[name] = list(value) if name == "missing_photos" else value
        return wire


def push_visits(session: DbSession, shopper: User, documents: list[Any], limits: PhotoLimits) -> list[PushResult]:
    """One result per document, in order; each visit committed (or refused) before the next is looked at."""
    if in_atomic(session):
        raise RuntimeError("the push commits each visit itself: call it outside any atomic block")
    loaded = [_load(document) for document in documents]
    lookups = PushLookups.load(session, shopper, [doc for doc in loaded if isinstance(doc, VisitDoc)])
    session.rollback()  # the lookups are plain values: no transaction (nor connection) held between visits
    return [push_visit(session, shopper, document, doc, lookups, limits) for document, doc in zip(documents, loaded)]


def _load(document: Any) -> VisitDoc | VisitRejected:
    """The loaded document, or why its shape is refused."""
    try:
        return load_visit(document)
    except VisitInvalid as exc:
        return VisitRejected(exc.issues)


def push_visit(
    session: DbSession,
    shopper: User,
    document: Any,
    doc: VisitDoc | VisitRejected,
    lookups: PushLookups,
    limits: PhotoLimits,
) -> PushResult:
    """Store one pushed visit (or correction) and say what happened to it; a busy database is tried again.

    `doc`: the document as loaded (or its refusal); `lookups`: the batch's references (push_visits).
    """
    raw_id = _raw_id(document)
    if isinstance(doc, VisitRejected):
        return _invalid(raw_id, doc)
    for attempt in range(ATTEMPTS):
        try:
            return _push(session, shopper, raw_id, doc, lookups, limits)
        except OperationalError as exc:
            session.rollback()  # before the backoff: nothing held while waiting
            if attempt + 1 == ATTEMPTS or not _transient(exc):
                raise
            time.sleep(BACKOFF_SECONDS * (2**attempt) * (0.5 + random.random()))
        finally:
            session.rollback()  # deliberate: an answer that wrote nothing ends its read-only transaction here too
    raise AssertionError("unreachable")


def _transient(exc: OperationalError) -> bool:
    """A clash with a concurrent writer that a retry resolves."""
    if getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def _raw_id(document: Any) -> str | None:
    """The id as the phone sent it, so it can match the answer to its visit even when the visit is invalid."""
    raw = document.get("id") if isinstance(document, dict) else None
    return raw if isinstance(raw, str) and len(raw) <= 64 else None


def _push(
    session: DbSession, shopper: User, raw_id: str | None, doc: VisitDoc, lookups: PushLookups, limits: PhotoLimits
) -> PushResult:
    """A new visit, written in its own transaction; refused or clashing, what the database holds now decides."""
    try:
        with atomic(session):
            visit = record_visit(session, shopper, doc, limits=limits, lookups=lookups)
            created, submitted_at = _created(raw_id, visit, doc), visit.submitted_at  # read before the commit
    except (VisitRejected, IntegrityError) as refusal:
        return _stored_concurrently(session, shopper, raw_id, doc, refusal, limits)
    lookups.recorded(doc, submitted_at)  # committed: the batch's next visits see it
    return created


def _known(
    session: DbSession, shopper: User, raw_id: str | None, doc: VisitDoc, visit: Visit, limits: PhotoLimits
) -> PushResult:
    """A visit id the server already has: a retry, an allowed correction (in its own transaction), or a conflict."""
    if visit.shopper_id != shopper.id:
        return PushResult(raw_id, "conflict", message=FOREIGN_ID)
    unchanged = _unchanged(session, raw_id, doc, visit)
    if unchanged is not None:
        return unchanged
    if doc.base_revision is None:
        return _conflict(raw_id, visit, DIFFERENT_CONTENT)
    try:
        with atomic(session):
            return _state(session, raw_id, "created", record_revision(session, shopper, visit, doc, limits=limits))
    except (RevisionConflict, IntegrityError) as refusal:
        return _stored_concurrently(session, shopper, raw_id, doc, refusal, limits, correction=True)
    except VisitRejected as exc:
        return _invalid(raw_id, exc)


def _stored_concurrently(
    session: DbSession,
    shopper: User,
    raw_id: str | None,
    doc: VisitDoc,
    refusal: VisitRejected | IntegrityError,
    limits: PhotoLimits,
    *,
    correction: bool = False,
) -> PushResult:
    """Was this visit (or this correction) stored concurrently? The one place that decides, its write rolled back.

    The checks saw the batch's lookups; a push of the same visit committed since shows as a refusal
    (its id known, its photo ids "already used") or as a unique-key clash of the write. What the
    database holds now decides: a visit with this id is answered as a known one (`unchanged` for the
    same content), a correction that lost is a `conflict`, a clash nothing stored explains is raised,
    and otherwise the refusal stands (`invalid`).
    """
    if correction:
        assert doc.base_revision is not None  # a correction names its base (_known)
        if isinstance(refusal, IntegrityError) and not _revision_stored(session, doc, doc.base_revision + 1):
            raise refusal
        visit = session.get(Visit, doc.id)
        assert visit is not None  # the visit being corrected was stored before this push, and visits are never deleted
        message = CORRECTED_FIRST if isinstance(refusal, IntegrityError) else refusal.issues[0].message
        return _unchanged(session, raw_id, doc, visit) or _conflict(raw_id, visit, f"Not stored: {message}.")
    visit = session.get(Visit, doc.id)
    if visit is not None:
        return _known(session, shopper, raw_id, doc, visit, limits)
    if isinstance(refusal, IntegrityError):
        rival = _assignment_visit(session, doc)
        if rival is None:
            raise refusal
        return _invalid(raw_id, VisitRejected([assignment_taken(rival)]))
    if isinstance(refusal, DuplicateVisit):
        raise refusal  # the batch's lookups knew this id and the database does not: nothing to answer with
    return _invalid(raw_id, refusal)


def _revision_stored(session: DbSession, doc: VisitDoc, revision: int) -> bool:
    """The visit has this revision (another correction took its number)."""
    taken = select(VisitRevision.id).where(VisitRevision.visit_id == doc.id, VisitRevision.revision == revision)
    return session.scalar(taken) is not None


def _assignment_visit(session: DbSession, doc: VisitDoc) -> object | None:
    """The id of the visit stored for the document's assignment, if any (one assignment, one visit)."""
    if not doc.assignment_id:
        return None
    return session.scalar(select(Visit.id).where(Visit.assignment_id == doc.assignment_id))


def _unchanged(session: DbSession, raw_id: str | None, doc: VisitDoc, visit: Visit) -> PushResult | None:
    """`unchanged` when this exact content is one of the visit's stored revisions, else None."""
    matched = session.scalar(
        select(VisitRevision.revision)
        .where(VisitRevision.visit_id == visit.id, VisitRevision.content_hash == visit_fingerprint(doc))
        .order_by(VisitRevision.revision.desc())
        .limit(1)
    )
    return None if matched is None else _state(session, raw_id, "unchanged", visit, matched)


def _created(raw_id: str | None, visit: Visit, doc: VisitDoc) -> PushResult:
    """The answer for a visit just stored: its photos are all missing, as its manifest names them."""
    return PushResult(
        raw_id, "created", visit.revision, visit.status.value, tuple(sorted(str(photo.id) for photo in doc.photos))
    )


def _state(
    session: DbSession,
    raw_id: str | None,
    result: str,
    visit: Visit,
    revision: int | None = None,
) -> PushResult:
    """The visit as stored (at `revision`, default its current one) and the photos it still waits for."""
    return PushResult(
        raw_id,
        result,
        revision or visit.revision,
        visit.status.value,
        tuple(missing_photos(session, [visit.id])[visit.id]),
    )


def _conflict(raw_id: str | None, visit: Visit, message: str) -> PushResult:
    return PushResult(raw_id, "conflict", revision=visit.revision, message=message)


def _invalid(raw_id: str | None, exc: VisitRejected) -> PushResult:
    summary = first_and_more((issue.message for issue in exc.issues), "problems") or "the visit was refused"
    return PushResult(raw_id, "invalid", errors=exc.errors, message=f"Not stored: {summary}.")
