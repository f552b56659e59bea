"""Running one job: claim it, keep its heartbeat, do the work, store the result whole, record how it ended.

The same function runs in an RQ work horse and on the embedded queue's thread pool. A worker killed midway
(SIGKILL, power cut) leaves the job `running` with a heartbeat that stops: the reaper (maintenance.py) puts
it back in the queue or marks it failed. The result file is saved atomically before the job is marked
done, so nobody ever downloads half a PDF.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, update

from server.extensions import DbSession
from server.models import Job, JobStatus
from server.models.types import utcnow
from server.services.errors import ServiceError
from server.services.jobs.catalogue import kind_named
from server.services.jobs.kinds import JobContext, JobKind, JobOutput
from server.services.jobs.records import MESSAGE_LENGTH, claim_job, fail_job, finish_job, start_job
from server.storage import FileStore, PhotoStorage, file_name

log = logging.getLogger(__name__)

UNEXPECTED = "An unexpected error stopped it ({name}); the server log has the details. Try again later."


class JobPulse:
    """A job's progress and heartbeat, written on a connection of their own so pollers see them at once."""

    def __init__(self, engine: Engine, job_id: uuid.UUID, every: float):
        self.engine, self.job_id, self.every = engine, job_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-heartbeat-{job_id}", daemon=True)
        self._last_progress = 0.0

    def __enter__(self) -> JobPulse:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(self.every + 5)

    def _write(self, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.status == JobStatus.RUNNING)
                .values(heartbeat_at=utcnow(), **values)
            )

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self._write()
            except Exception:  # a missed beat is not fatal; the reaper allows several
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)

    def __call__(self, percent: int, message: str = "") -> None:
        """Record `percent` (0-99 while running) and the step; at most a few writes a second."""
        now = time.monotonic()
        if now - self._last_progress < 0.25:
            return
        self._last_progress = now
        self._write(progress=max(0, min(99, int(percent))), message=message[:MESSAGE_LENGTH])


def run_job(
    session: DbSession,
    job_id: uuid.UUID,
    *,
    storage: PhotoStorage,
    files: FileStore,
    settings: dict[str, Any],
    submit: Callable[[Iterable[uuid.UUID]], None],
) -> JobStatus | None:
    """Run the job if it is still queued (another worker may have it, or it may be done): how it ended, or None."""
    job = claim_job(session, job_id)
    if job is None:
        return None
    try:
        kind = kind_named(job.kind)
    except ServiceError as exc:  # a kind this version does not know (queued by a newer one): it cannot run here
        session.rollback()
        fail_job(session, job_id, exc.message)
        return JobStatus.FAILED
    params, owner_id, title = dict(job.params), job.owner_id, job.title
    session.rollback()  # the claim is committed; the work opens its own transaction
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with JobPulse(engine, job_id, float(settings["JOB_HEARTBEAT_SECONDS"])) as pulse:
        context = JobContext(session, storage, files, job_id, params, owner_id, pulse, settings, submit)
        try:
            output = kind.run(context)
            session.rollback()  # a job reads; what it changes it commits itself
            result = _store(files, job_id, output) if output is not None else None
        except ServiceError as exc:
            session.rollback()
            fail_job(session, job_id, exc.message)
            return JobStatus.FAILED
        except Exception as exc:
            session.rollback()
            log.exception("job %s (%s) failed", job_id, kind.name)
            fail_job(session, job_id, UNEXPECTED.format(name=type(exc).__name__))
            return JobStatus.FAILED
    finish_job(session, job_id, result)
    if kind.more_due is not None:
        _again_if_due(session, kind, params, title, settings, submit)
    return JobStatus.DONE


def _again_if_due(
    session: DbSession,
    kind: JobKind,
    params: dict[str, Any],
    title: str,
    settings: dict[str, Any],
    submit: Callable[[Iterable[uuid.UUID]], None],
) -> None:
    """A sweep that finished with new work waiting (queued by a request that joined this run): run once more."""
    assert kind.more_due is not None
    due = kind.more_due(session, settings)
    session.rollback()
    if not due:
        return
    again, joined = start_job(session, kind, params, None, title)
    if not joined:
        submit([again.id])


def _store(files: FileStore, job_id: uuid.UUID, output: JobOutput) -> dict[str, Any]:
    """Save the result whole (a killed writer leaves nothing under its name); the job's result fields."""
    name = file_name("jobs", job_id, output.filename)
    try:
        size, sha256 = files.save(name, output.stream)
    finally:
        output.stream.close()
    return {
        "result_name": name,
        "result_filename": output.filename,
        "result_mimetype": output.mimetype,
        "result_size": size,
        "result_sha256": sha256,
    }
