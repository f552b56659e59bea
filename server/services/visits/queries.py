"""Read models of the review pages: the visits waiting in a status, and a visit's place in the review queue."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Visit, VisitStatus


def waiting(session: DbSession, status: VisitStatus) -> list[Visit]:
    """Visits in this status, oldest submission first."""
    return list(
        session.scalars(
            select(Visit).where(Visit.status == status).order_by(Visit.submitted_at, Visit.finished_at, Visit.id)
        ).all()
    )


def queue_place(session: DbSession, visit_id: uuid.UUID) -> tuple[int | None, int]:
    """(the visit's 1-based place among the submitted visits or None, how many are submitted)."""
    queue_ids = [v.id for v in waiting(session, VisitStatus.SUBMITTED)]
    return (queue_ids.index(visit_id) + 1 if visit_id in queue_ids else None), len(queue_ids)
