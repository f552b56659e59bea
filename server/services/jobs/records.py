"""A job's row through its life: start (or join the same running request), claim, progress, finish, fail."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.extensions import DbSession
from server.models import Job, JobStatus, User
from server.models.jobs import ACTIVE_STATUSES
from server.models.types import utcnow
from server.services.jobs.kinds import JobKind
from server.services.transactions import atomic, in_atomic

MESSAGE_LENGTH = 500


def dedupe_key(kind: JobKind, params: dict[str, Any], owner: User | None) -> str:
    """The same kind with the same parameters for the same person: one job while it runs."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40]
    return f"{kind.name}:{owner.id if owner else '-'}:{digest}"


def active_job(session: DbSession, key: str) -> Job | None:
    """The queued or running job of this request, if any."""
    return session.scalar(select(Job).where(Job.dedupe_key == key, Job.status.in_(ACTIVE_STATUSES)))


def start_job(
    session: DbSession, kind: JobKind, params: dict[str, Any], owner: User | None, title: str
) -> tuple[Job, bool]:
    """A new queued job, committed (a worker must be able to read it), or the running one it joins: (job, joined).

    Commits itself, so it refuses to run inside `atomic`: the queue may only hear of a job that exists.
    Two requests at once meet at the unique index on active dedupe keys; the second joins the first.
    """
    if in_atomic(session):
        raise RuntimeError("start_job commits the job before it is queued: call it outside any atomic block")
    key = dedupe_key(kind, params, owner)
    if (existing := active_job(session, key)) is not None:
        session.rollback()
        return existing, True
    job = Job(
        kind=kind.name,
        params=params,
        title=title[:200],
        dedupe_key=key,
        owner_id=owner.id if owner else None,
        max_attempts=kind.max_attempts,
    )
    try:
        with atomic(session):
            session.add(job)
    except IntegrityError:
        if (existing := active_job(session, key)) is None:
            raise
        session.rollback()
        return existing, True
    return job, False


def claim_job(session: DbSession, job_id: uuid.UUID, now: datetime | None = None) -> Job | None:
    """Mark a queued job running for this worker (one conditional UPDATE: two workers never both win); committed."""
    now = now or utcnow()
    with atomic(session):
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.RUNNING,
                attempts=Job.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                progress=0,
                message="",
            )
            .execution_options(synchronize_session=False)
        )
    if not getattr(claimed, "rowcount", 0):
        return None
    session.expire_all()
    return session.get(Job, job_id)


def finish_job(session: DbSession, job_id: uuid.UUID, result: dict[str, Any] | None = None) -> bool:
    """Mark a running job done with its result file's fields; False if it is no longer running (reaped)."""
    with atomic(session):
        done = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
            .values(status=JobStatus.DONE, progress=100, message="", finished_at=utcnow(), **(result or {}))
            .execution_options(synchronize_session=False)
        )
    return bool(getattr(done, "rowcount", 0))


def fail_job(session: DbSession, job_id: uuid.UUID, reason: str) -> None:
    """Mark a queued or running job failed, saying why in words the person who started it can act on."""
    with atomic(session):
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(ACTIVE_STATUSES))
            .values(status=JobStatus.FAILED, message=reason[:MESSAGE_LENGTH], finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
