"""The job queue behind one interface (docs/architecture.md, Jobs): RQ on Redis when FIELDAUDIT_REDIS_URL is set,
else a thread pool inside the server process. Either way the queue carries only a job's id, and the same
function (`server.worker.perform`) runs it."""

from __future__ import annotations

from flask import Flask, current_app

from server.queue.base import JobQueue, QueueUnavailable
from server.queue.inprocess import InProcessQueue
from server.queue.redis_queue import RedisQueue

__all__ = ["InProcessQueue", "JobQueue", "QueueUnavailable", "RedisQueue", "current_queue", "init_app"]

EXTENSION_KEY = "job_queue"


def init_app(app: Flask) -> None:
    """Attach the queue the settings choose: `REDIS_URL` set means `fieldaudit worker` processes run the jobs."""
    url = app.config.get("REDIS_URL")
    queue: JobQueue = (
        RedisQueue(url, name=app.config["JOB_QUEUE"]) if url else InProcessQueue(app, threads=app.config["JOB_THREADS"])
    )
    app.extensions[EXTENSION_KEY] = queue
    if isinstance(queue, InProcessQueue) and app.config["JOB_SCHEDULER"]:
        app.before_request(queue.start_scheduler)  # in the serving process (after gunicorn's fork), once


def current_queue() -> JobQueue:
    """The queue of the app handling the current request or command."""
    return current_app.extensions[EXTENSION_KEY]
