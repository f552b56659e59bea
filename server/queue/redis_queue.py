"""The production queue: RQ on Redis. `fieldaudit worker` processes take the jobs (forking a work horse per job, so a
job that hangs past its timeout is killed without taking the worker with it)."""

from __future__ import annotations

import uuid

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from server.queue.base import PERFORM, QueueUnavailable
from server.serving import masked_uri as masked


class RedisQueue:
    """A JobQueue on the RQ queue `name` (FIELDAUDIT_JOB_QUEUE, default "fieldaudit") of the Redis at `url`."""

    mode = "redis"

    def __init__(self, url: str, *, name: str = "fieldaudit"):
        self.url = url
        self.connection = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        self.queue = Queue(name, connection=self.connection)

    def __repr__(self) -> str:
        return f"RedisQueue({masked(self.url)!r}, queue {self.queue.name!r})"

    def submit(self, job_id: uuid.UUID, *, timeout: int) -> None:
        """Enqueue `perform(job_id)`; RQ keeps no result (the job's row has it)."""
        try:
            self.queue.enqueue(
                PERFORM,
                str(job_id),
                job_timeout=timeout,
                result_ttl=0,
                failure_ttl=7 * 24 * 3600,
                description=f"fieldaudit job {job_id}",
            )
        except RedisError as exc:
            raise QueueUnavailable(f"the job queue at {masked(self.url)} does not answer: {exc}") from exc

    def problem(self) -> str | None:
        """Why Redis cannot take jobs, or None when it answers a PING."""
        try:
            self.connection.ping()
        except RedisError as exc:
            return (
                f"the job queue at {masked(self.url)} does not answer ({exc}): start Redis or fix FIELDAUDIT_REDIS_URL"
            )
        return None

    def close(self) -> None:
        """Close the connection pool."""
        self.connection.close()
