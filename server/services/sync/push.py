"""Sync push: every visit of a batch in its own transaction, answered created / unchanged / conflict / invalid.

What the batch refers to (versions, branches, assignments, the shopper's daily photos) is read once
for the batch (push_lookups); each visit is then checked and written on its own.
A visit is written completely or not at all (record_visit / record_revision commit per visit),
so one bad visit never sinks the batch and a retried batch is always safe: content already
stored (same fingerprint as one of the visit's revisions) answers `unchanged`. Two pushes of
the same visit at once store it once: the loser's unique-key clash is caught, the winner's
row re-read, and the answer is `unchanged` or `conflict`. SQLite's "database is locked" (and
PostgreSQL deadlocks or serialization failures) roll the visit back and try it again.
"""
from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shared.errors import VisitInvalid
from shared.schemas import load_visit, visit_fingerprint
from shared.visit import Visit as VisitDoc

from server.models import User, Visit, VisitRevision
from server.services.sync.push_lookups import PushLookups
from server.services.visits.state import missing_photos
from server.services.visits.record import DuplicateVisit, RevisionConflict, VisitRejected, record_revision, record_visit

ATTEMPTS = 5
BACKOFF_SECONDS = 0.05
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization failure, deadlock, lock not available
FOREIGN_ID = "A different visit with this id is already on the server; this one was not stored."
DIFFERENT_CONTENT = "The server already holds different content for this visit; nothing was overwritten."


def push_visits(session: Session, shopper: User, documents: list[Any]) -> list[dict]:
    """One result per document, in order; each visit committed (or refused) before the next is looked at."""
    loaded = [_load(document) for document in documents]
    lookups = PushLookups.load(session, shopper, [doc for doc in loaded if isinstance(doc, VisitDoc)])
    session.rollback()  # the lookups are plain values: no transaction (nor connection) held between visits
    return [push_visit(session, shopper, document, doc, lookups) for document, doc in zip(documents, loaded)]


def _load(document: Any) -> VisitDoc | VisitRejected:
    """The loaded document, or why its shape is refused."""
    try:
        return load_visit(document)
    except VisitInvalid as exc:
        return VisitRejected(exc.issues)


def push_visit(session: Session, shopper: User, document: Any, doc: VisitDoc | VisitRejected | None = None,
               lookups: PushLookups | None = None) -> dict:
    """Store one pushed visit (or correction) in its own transaction and say what happened to it.

    `doc`: the document already loaded (or its refusal); `lookups`: the batch's references (push_visits).
    """
    doc = _load(document) if doc is None else doc
    if isinstance(doc, VisitRejected):
        return _invalid(_raw_id(document), doc)
    for attempt in range(ATTEMPTS):
        try:
            return _push(session, shopper, _raw_id(document), doc, lookups)
        except OperationalError as exc:
            session.rollback()
            if attempt + 1 == ATTEMPTS or not _transient(exc):
                raise
            time.sleep(BACKOFF_SECONDS * (2 ** attempt) * (0.5 + random.random()))
        finally:
            session.rollback()  # end any read-only transaction; results are plain dicts by now
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


def _push(session: Session, shopper: User, raw_id: str | None, doc: VisitDoc, lookups: PushLookups | None) -> dict:
    try:
        visit = record_visit(session, shopper, doc, lookups=lookups)
        return _created(raw_id, visit, doc)
    except DuplicateVisit:
        visit = session.get(Visit, doc.id)  # a known id (a retry or a correction), or stored by a concurrent push
        if visit is None:
            raise
    except VisitRejected as exc:
        # A concurrent push of this visit may have committed between our look and the checks (its photo
        # ids then read as "already used by another visit"): answer as for a known visit, not invalid.
        session.rollback()
        visit = session.get(Visit, doc.id)
        if visit is None:
            return _invalid(raw_id, exc)
    return _known(session, shopper, raw_id, doc, visit)


def _created(raw_id: str | None, visit: Visit, doc: VisitDoc) -> dict:
    """The answer for a visit just stored: its photos are all missing, as its manifest names them."""
    return {"id": raw_id, "result": "created", "revision": visit.revision, "status": visit.status.value,
            "missing_photos": sorted(str(photo.id) for photo in doc.photos)}


def _known(session: Session, shopper: User, raw_id: str | None, doc: VisitDoc, visit: Visit) -> dict:
    """A visit id the server already has: a retry, an allowed correction, or a conflict."""
    if visit.shopper_id != shopper.id:
        return {"id": raw_id, "result": "conflict", "message": FOREIGN_ID}
    answer = _retry(session, raw_id, doc, visit)
    if answer is not None:
        return answer
    if doc.base_revision is None:
        return _conflict(raw_id, visit, DIFFERENT_CONTENT)
    try:
        return _answer(session, raw_id, "created", record_revision(session, shopper, visit, doc))
    except RevisionConflict as exc:
        session.rollback()
        visit = session.get(Visit, doc.id)
        return _retry(session, raw_id, doc, visit) or _conflict(raw_id, visit, f"Not stored: {exc.issues[0].message}.")
    except VisitRejected as exc:
        return _invalid(raw_id, exc)


def _retry(session: Session, raw_id: str | None, doc: VisitDoc, visit: Visit) -> dict | None:
    """`unchanged` when this exact content is one of the visit's stored revisions, else None."""
    matched = session.scalar(select(VisitRevision.revision).where(
        VisitRevision.visit_id == visit.id, VisitRevision.content_hash == visit_fingerprint(doc))
        .order_by(VisitRevision.revision.desc()).limit(1))
    return None if matched is None else _answer(session, raw_id, "unchanged", visit, matched)


def _answer(session: Session, raw_id: str | None, result: str, visit: Visit, revision: int | None = None) -> dict:
    return {"id": raw_id, "result": result, "revision": revision or visit.revision, "status": visit.status.value,
            "missing_photos": missing_photos(session, [visit.id])[visit.id]}


def _conflict(raw_id: str | None, visit: Visit, message: str) -> dict:
    return {"id": raw_id, "result": "conflict", "revision": visit.revision, "message": message}


def _invalid(raw_id: str | None, exc: VisitRejected) -> dict:
    first = exc.issues[0].message if exc.issues else "the visit was refused"
    more = f" (and {len(exc.issues) - 1} more problems)" if len(exc.issues) > 1 else ""
    return {"id": raw_id, "result": "invalid", "errors": exc.errors, "message": f"Not stored: {first}{more}."}
