"""Periodic upkeep as jobs: reap jobs whose worker died, delete old results and leftovers, reclaim photo storage."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from server.extensions import DbSession
from server.models import Job, JobStatus
from server.models.types import utcnow
from server.services.jobs.kinds import JobContext, JobKind
from server.services.transactions import atomic

MIN_REQUEUE_AFTER = timedelta(minutes=2)
"""A queued job not started after this is submitted again (Redis restarted empty; the embedded server restarted)."""
KEEP_UPKEEP = timedelta(hours=1)
"""The scheduler's own runs that went well are deleted after this (the reaper runs every half minute)."""
LEFTOVERS_AGE = timedelta(days=1)
"""Pieces of result files whose writer died (temporary files, unfinished uploads) are swept after this."""


def reap_jobs(session: DbSession, *, stale: timedelta, now: datetime | None = None) -> list:
    """Running jobs whose heartbeat stopped go back to the queue (or fail after their last attempt); queued jobs
    nobody started are submitted again. The ids to submit, after this commits."""
    now = now or utcnow()
    resubmit = []
    with atomic(session):
        dead = session.scalars(select(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < now - stale))
        for job in dead:
            if job.attempts < job.max_attempts:
                job.status, job.queued_at = JobStatus.QUEUED, now
                job.message = f"Its worker stopped; trying again (attempt {job.attempts + 1} of {job.max_attempts})."
                resubmit.append(job.id)
            else:
                job.status, job.finished_at = JobStatus.FAILED, now
                job.message = (
                    f"Its worker stopped {job.attempts} times before it finished. Start it again; if it keeps "
                    "failing, tell an administrator (the worker's log says why)."
                )
        lost = session.scalars(
            select(Job).where(Job.status == JobStatus.QUEUED, Job.queued_at < now - max(MIN_REQUEUE_AFTER, 2 * stale))
        )
        for job in lost:
            job.queued_at = now
            resubmit.append(job.id)
    return resubmit


def _reap(context: JobContext) -> None:
    ids = reap_jobs(context.session, stale=timedelta(seconds=context.settings["JOB_STALE_SECONDS"]))
    context.submit(ids)


def expire_jobs(session: DbSession, files, *, keep: timedelta, now: datetime | None = None) -> int:
    """Delete finished jobs older than `keep` with their result files (the scheduler's good runs after an hour), and
    leftovers of dead writers; jobs deleted."""
    now = now or utcnow()
    finished = Job.status.in_((JobStatus.DONE, JobStatus.FAILED)) & (Job.finished_at < now - keep)
    upkeep_done = Job.owner_id.is_(None) & (Job.status == JobStatus.DONE) & (Job.finished_at < now - KEEP_UPKEEP)
    old = list(session.scalars(select(Job).where(finished | upkeep_done)))
    for job in old:
        if job.result_name:
            files.delete(job.result_name)  # before the row: a crash here leaves a row without a file, never the reverse
    with atomic(session):
        if old:
            session.execute(delete(Job).where(Job.id.in_([job.id for job in old])))
    files.sweep("jobs", now - LEFTOVERS_AGE)
    return len(old)


def _expire(context: JobContext) -> None:
    expire_jobs(context.session, context.files, keep=timedelta(days=context.settings["JOB_RESULT_DAYS"]))


def _photo_cleanup(context: JobContext) -> None:
    from server.services.photos.cleanup import cleanup_photos

    settings = context.settings
    cleanup_photos(
        context.session,
        context.storage,
        partial_max_age=timedelta(hours=settings["PHOTO_PARTIAL_MAX_AGE_HOURS"]),
        retention=timedelta(days=settings["REJECTED_PHOTO_RETENTION_DAYS"]),
    )


REAP_JOBS = JobKind("reap_jobs", _reap, timeout=120, max_attempts=1)
EXPIRE_JOBS = JobKind("expire_jobs", _expire, timeout=900, max_attempts=1)
PHOTO_CLEANUP = JobKind("photo_cleanup", _photo_cleanup, timeout=3600, max_attempts=1)
