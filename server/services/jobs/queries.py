"""The jobs a person's Reports list shows: theirs (admins: everyone's), with the scheduler's finished upkeep left out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_

from server.extensions import DbSession
from server.models import Job, JobStatus
from server.permissions import visible_jobs_query


def listed_jobs(session: DbSession, user: Any, limit: int) -> list[Job]:
    """Newest first; upkeep that went well (a reaper run every half minute) would bury the reports, so only its
    running and failed runs are listed."""
    query = visible_jobs_query(user).where(or_(Job.owner_id.is_not(None), Job.status != JobStatus.DONE))
    return list(session.scalars(query.limit(limit)))
