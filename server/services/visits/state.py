"""A visit's server state as the phone sees it: push answers, pulled visit changes and GET /visits/<id>."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Answer, Photo, Visit, VisitRevision


def missing_photos(session: Session, visit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Photo ids named in the visits' manifests whose bytes have not all arrived (photo uploads complete them)."""
    ids = list(visit_ids)
    found: dict[uuid.UUID, list[str]] = {visit_id: [] for visit_id in ids}
    if not ids:
        return found
    rows = session.execute(select(Photo.visit_id, Photo.id).where(Photo.visit_id.in_(ids), Photo.completed_at.is_(None))
                           .order_by(Photo.visit_id, Photo.id))
    for visit_id, photo_id in rows:
        found[visit_id].append(str(photo_id))
    return found


def current_documents(session: Session, visits: Iterable[Visit]) -> dict[uuid.UUID, dict]:
    """The document of each visit's current revision (what the phone shows, and corrects when returned)."""
    wanted = {visit.id: visit.revision for visit in visits}
    if not wanted:
        return {}
    rows = session.execute(select(VisitRevision.visit_id, VisitRevision.revision, VisitRevision.document)
                           .where(VisitRevision.visit_id.in_(list(wanted))))
    return {visit_id: document for visit_id, revision, document in rows if wanted[visit_id] == revision}


def visit_change_data(visit: Visit, document: dict | None, missing: list[str]) -> dict:
    """`data` of a pulled `visit` change: the server state plus the current revision's document."""
    return {"id": str(visit.id), "revision": visit.revision, "status": visit.status.value,
            "score_percent": visit.score_percent, "review_note": visit.review_note, "missing_photos": missing,
            "document": document}


def visit_record(session: Session, visit: Visit) -> dict:
    """The server's record of one visit (GET /api/v1/visits/<id>): state, scores by section, critical failures."""
    failures = session.scalars(select(Answer.question_key).where(Answer.visit_id == visit.id, Answer.critical_failure)
                               .order_by(Answer.position))
    return {
        "id": str(visit.id), "revision": visit.revision, "status": visit.status.value,
        "score_percent": visit.score_percent, "flagged": visit.flagged, "zeroed": visit.zeroed,
        "critical_failures": list(failures),
        "sections": [{"key": s.section_key, "title": s.title, "earned": s.earned, "possible": s.possible,
                      "percent": s.percent} for s in visit.section_scores],
        "missing_photos": missing_photos(session, [visit.id])[visit.id],
        "refused_photos": refused_photos(session, visit.id),
        "review_note": visit.review_note, "submitted_at": visit.submitted_at,
    }


def refused_photos(session: Session, visit_id: uuid.UUID) -> list[dict]:
    """Missing photos whose complete upload the server refused: id, question key and the reason, for the phone."""
    rows = session.execute(select(Photo.id, Photo.question_key, Photo.refused_reason)
                           .where(Photo.visit_id == visit_id, Photo.completed_at.is_(None),
                                  Photo.refused_reason.is_not(None)).order_by(Photo.id))
    return [{"id": str(photo_id), "question": question, "reason": reason} for photo_id, question, reason in rows]
