"""Background jobs against real processes: a big region to report on, worker processes, and polling a job's row."""

from __future__ import annotations

import os
import signal
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq import Queue

from benchmarks.topology import Process, descendants
from tests.reliability.server_process import REDIS_URL, ROOT, server_db

JOB_TIMINGS = {  # a dead worker is noticed within seconds, not the production minute
    "FIELDAUDIT_JOB_STALE_SECONDS": "4",
    "FIELDAUDIT_JOB_HEARTBEAT_SECONDS": "1",
    "FIELDAUDIT_JOB_TICK_SECONDS": "1",
}


@dataclass
class BigRegion:
    """One region of `branches` branches with visits, and a manager of it who can sign in."""

    region_id: int
    manager_email: str


def seed_big_region(database_url: str, folder: Path, *, branches: int = 500, visits: int = 6000) -> BigRegion:
    """Bulk-load the region (benchmarks/dataset.py) and add its manager; the region report takes a second or more."""
    from benchmarks.dataset import populate
    from server.database import upgrade_schema
    from server.services.accounts.users import create_user
    from server.services.transactions import atomic
    from tests.mobile.live import PASSWORD

    with server_db(database_url, folder) as session:
        upgrade_schema()
        data = populate(session, branches=branches, visits=visits, samples=0)
        email = f"manager-{uuid.uuid4().hex[:6]}@example.test"
        with atomic(session):
            manager = create_user(
                session, email=email, name="Big Manager", role="manager", password=PASSWORD, temporary=False
            )
            manager.regions = [data.region]
        return BigRegion(data.region.id, email)


def job_row(database_url: str, folder: Path, job_id: str):
    """The job's row as the database has it now (a detached copy)."""
    from server.models import Job

    with server_db(database_url, folder) as session:
        job = session.get(Job, uuid.UUID(job_id))
        session.expunge(job)
        return job


def wait_for_job(database_url: str, folder: Path, job_id: str, statuses: tuple[str, ...], timeout: float = 120):
    """Poll the row every 20 ms until its status is one of `statuses`; the row."""
    deadline = time.monotonic() + timeout
    while True:
        job = job_row(database_url, folder, job_id)
        if job.status.value in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.status.value} ({job.message!r}) after {timeout} s")
        time.sleep(0.02)


class WorkerProcess(Process):
    """`fieldaudit worker` as a real process group (the RQ worker and its work horse), killable like a crash."""

    def __init__(self, env: dict[str, str], folder: Path, *options: str):
        super().__init__(["worker", *options], env, folder, "worker")

    def kill(self) -> None:
        """SIGKILL to the worker and its work horse at once (RQ starts the horse in a session of its own, so the
        process group is not enough): no handler runs, nothing is cleaned up, as when the machine dies."""
        for pid in [*descendants(self.proc.pid), self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(10)


@contextmanager
def redis_queue_env():
    """FIELDAUDIT_* settings for a queue (and rate limits) of this test's own on the local Redis; removed after."""
    name = f"fa-test-{uuid.uuid4().hex[:10]}"
    redis = Redis.from_url(REDIS_URL)
    try:
        yield {
            "FIELDAUDIT_REDIS_URL": REDIS_URL,
            "FIELDAUDIT_JOB_QUEUE": name,
            "FIELDAUDIT_RATELIMIT_KEY_PREFIX": name,
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            **JOB_TIMINGS,
        }
    finally:
        Queue(name, connection=redis).delete(delete_jobs=True)
        for key in redis.scan_iter(match=f"*{name}*", count=1000):
            redis.delete(key)
        redis.close()
