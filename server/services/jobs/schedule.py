"""The periodic scheduler: each period of each periodic kind starts its job once, however many processes look.

RQ's own cron scheduler needs Redis and is still beta; the embedded server has no Redis. So any process that
runs the scheduler (a `fieldaudit worker`, or the embedded server) claims a period with one conditional
UPDATE on `periodic_runs`, and only the winner starts the job. The jobs are upkeep and idempotent, so a
period missed while nothing ran is simply caught up by the next one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.extensions import DbSession
from server.models import Job, PeriodicRun
from server.models.types import utcnow
from server.services.jobs.catalogue import periodic_kinds
from server.services.jobs.launch import JobSubmitter, launch
from server.services.transactions import atomic


def claim_period(session: DbSession, kind: str, slot: int) -> bool:
    """Whether this process won period `slot` of `kind` (committed either way)."""
    if session.scalar(select(PeriodicRun.kind).where(PeriodicRun.kind == kind)) is None:
        try:
            with atomic(session):
                session.add(PeriodicRun(kind=kind, last_slot=0))
        except IntegrityError:  # another process added it first
            session.rollback()
    with atomic(session):
        won = session.execute(
            update(PeriodicRun)
            .where(PeriodicRun.kind == kind, PeriodicRun.last_slot < slot)
            .values(last_slot=slot)
            .execution_options(synchronize_session=False)
        )
    return bool(getattr(won, "rowcount", 0))


def start_due_jobs(
    session: DbSession, submitter: JobSubmitter, settings: dict, now: datetime | None = None
) -> list[Job]:
    """Start the periodic jobs whose period began since they last ran; the jobs this process started."""
    epoch = int((now or utcnow()).timestamp())
    started = []
    for kind, interval in periodic_kinds(settings):
        if claim_period(session, kind.name, epoch // interval):
            job, joined = launch(session, submitter, kind, {}, None, kind.name.replace("_", " ").capitalize())
            if not joined:
                started.append(job)
    return started
