"""A visit's server state as the phone sees it: push answers, pulled visit changes and GET /visits/<id>."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Answer, Photo, Visit, VisitRevision


def missing_photos(session: DbSession, visit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Photo ids named in the visits' manifests whose bytes have not all arrived (photo uploads complete them)."""
    ids = list(visit_ids)
    found: dict[uuid.UUID, list[str]] = {visit_id: [] for visit_id in ids}
    if not ids:
        return found
    rows = session.execute(
        select(Photo.visit_id, Photo.id)
        .where(Photo.visit_id.in_(ids), Photo.completed_at.is_(None))
        .order_by(Photo.visit_id, Photo.id)
    )
    for visit_id, photo_id in rows:
        found[visit_id].append(str(photo_id))
    return found


def current_documents(session: DbSession, visits: Iterable[Visit]) -> dict[uuid.UUID, dict]:
    """The document of each visit's current revision (what the phone shows, and corrects when returned)."""
    wanted = {visit.id: visit.revision for visit in visits}
    if not wanted:
        return {}
    rows = session.execute(
        select(VisitRevision.visit_id, VisitRevision.revision, VisitRevision.document).where(
            VisitRevision.visit_id.in_(list(wanted))
        )
    )
    return {visit_id: document for visit_id, revision, document in rows if wanted[visit_id] == revision}


def outcome_data(visit: Visit) -> dict:
    """How the visit ended, in the wire's outcome shape: {"status": "completed"} or not_completed with its reason."""
    if visit.outcome_reason is None:
        return {"status": "completed"}
    return {"status": "not_completed", "reason": visit.outcome_reason, "comment": visit.outcome_comment}


def visit_change_data(visit: Visit, document: dict | None, missing: list[str]) -> dict:
    """`data` of a pulled `visit` change: the server state plus the current revision's document."""
    return {
        "id": str(visit.id),
        "revision": visit.revision,
        "status": visit.status.value,
        "outcome": outcome_data(visit),
        "score_percent": visit.score_percent,
        "review_note": visit.review_note,
        "missing_photos": missing,
        "document": document,
    }


@dataclass(frozen=True)
class SectionRecord:
    """A section's score in a visit."""

    key: str
    title: str
    earned: float
    possible: float
    percent: float | None


@dataclass(frozen=True)
class RefusedPhoto:
    """A missing photo whose complete upload the server refused, and why (a sentence for the shopper)."""

    id: str
    question: str
    reason: str


@dataclass(frozen=True)
class PhotoRecord:
    """One photo of the manifest: whether it has arrived, and when and where the phone took it (None: not sent)."""

    id: str
    question: str
    complete: bool
    taken_at: datetime | None
    location: dict | None


def photo_record(photo: Photo) -> PhotoRecord:
    """The API's view of a stored photo (location in the wire shape of shared's LocationSchema)."""
    location = None
    if photo.latitude is not None and photo.longitude is not None:
        location = {"lat": photo.latitude, "lon": photo.longitude, "accuracy_m": photo.accuracy_m}
    return PhotoRecord(str(photo.id), photo.question_key, photo.completed_at is not None, photo.taken_at, location)


@dataclass(frozen=True)
class VisitRecord:
    """The server's record of one visit as the phone reads it (GET /api/v1/visits/<id>, VisitRecordSchema)."""

    id: str
    revision: int
    status: str
    outcome: dict
    """How the visit ended (outcome_data): a not-completed one has no score."""
    score_percent: float | None
    flagged: bool
    zeroed: bool
    critical_failures: tuple[str, ...]
    """Keys of the failed critical questions, in checklist order."""
    sections: tuple[SectionRecord, ...]
    missing_photos: tuple[str, ...]
    refused_photos: tuple[RefusedPhoto, ...]
    photos: tuple[PhotoRecord, ...]
    review_note: str
    submitted_at: datetime | None


def visit_record(session: DbSession, visit: Visit) -> VisitRecord:
    """The server's record of one visit: state, scores by section, critical failures, photos still to come."""
    failures = session.scalars(
        select(Answer.question_key)
        .where(Answer.visit_id == visit.id, Answer.critical_failure)
        .order_by(Answer.position)
    )
    return VisitRecord(
        id=str(visit.id),
        revision=visit.revision,
        status=visit.status.value,
        outcome=outcome_data(visit),
        score_percent=visit.score_percent,
        flagged=visit.flagged,
        zeroed=visit.zeroed,
        critical_failures=tuple(failures),
        sections=tuple(
            SectionRecord(s.section_key, s.title, s.earned, s.possible, s.percent) for s in visit.section_scores
        ),
        missing_photos=tuple(missing_photos(session, [visit.id])[visit.id]),
        refused_photos=refused_photos(session, visit.id),
        photos=tuple(
            photo_record(p) for p in sorted(visit.photos, key=lambda p: (p.taken_at is None, p.taken_at, str(p.id)))
        ),
        review_note=visit.review_note,
        submitted_at=visit.submitted_at,
    )


def refused_photos(session: DbSession, visit_id: uuid.UUID) -> tuple[RefusedPhoto, ...]:
    """Missing photos whose complete upload the server refused: id, question key and the reason, for the phone."""
    rows = session.execute(
        select(Photo.id, Photo.question_key, Photo.refused_reason)
        .where(Photo.visit_id == visit_id, Photo.completed_at.is_(None), Photo.refused_reason.is_not(None))
        .order_by(Photo.id)
    )
    # cast: the WHERE keeps only photos with a reason, which the column's `str | None` cannot say
    return tuple(RefusedPhoto(str(photo_id), question, cast(str, reason)) for photo_id, question, reason in rows)
