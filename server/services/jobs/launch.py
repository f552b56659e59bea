"""Start a job and hand it to the queue: the one way every edge (web, API, CLI, scheduler) begins background work."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Protocol

from server.extensions import DbSession
from server.models import Job, User
from server.services.jobs.kinds import JobKind
from server.services.jobs.records import start_job

log = logging.getLogger(__name__)


class JobSubmitter(Protocol):
    """The part of a queue (server/queue) a service needs: hand over a committed job's id."""

    def submit(self, job_id: uuid.UUID, *, timeout: int) -> None: ...


def launch(
    session: DbSession, submitter: JobSubmitter, kind: JobKind, params: dict[str, Any], owner: User | None, title: str
) -> tuple[Job, bool]:
    """Start (or join) the job and submit it when new; a queue that does not answer leaves it queued for the reaper."""
    job, joined = start_job(session, kind, params, owner, title)
    if not joined:
        try:
            submitter.submit(job.id, timeout=kind.timeout)
        except RuntimeError as exc:  # QueueUnavailable: Redis is down; the reaper submits it again later
            log.warning("job %s stays queued: %s", job.id, exc)
    return job, joined
