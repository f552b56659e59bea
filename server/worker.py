"""What runs jobs (docs/architecture.md, Jobs): `perform` in an RQ work horse, `perform_in` on the embedded queue's
threads, and `run_worker` behind `fieldaudit worker`. Like server.wsgi, it builds the app; the layers do the work."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable

from flask import Flask

from server.extensions import db

log = logging.getLogger(__name__)

_APP: Flask | None = None
"""The app of this worker process, built before RQ forks its work horses (they inherit it)."""


def _app() -> Flask:
    global _APP
    if _APP is None:
        from server import create_app

        _APP = create_app()
    return _APP


def perform(job_id: str) -> None:
    """RQ's entry point: run the job in this work horse (a fork of the worker: its pooled connections are the parent's)."""
    app = _app()
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's sockets (SQLAlchemy's advice for forks)
    perform_in(app, uuid.UUID(job_id))


def perform_in(app: Flask, job_id: uuid.UUID) -> None:
    """Run one job in an app context of its own (services/jobs/run.py)."""
    from server.queue import current_queue
    from server.services.jobs.run import run_job
    from server.storage import current_files, current_storage

    with app.app_context():
        queue = current_queue()

        def submit(ids: Iterable[uuid.UUID]) -> None:
            for other in ids:
                queue.submit(other, timeout=_timeout_of(other))

        try:
            run_job(
                db.session, job_id, storage=current_storage(), files=current_files(), settings=app.config, submit=submit
            )
        finally:
            db.session.remove()


def _timeout_of(job_id: uuid.UUID) -> int:
    from server.models import Job
    from server.services.jobs.catalogue import kind_named

    job = db.session.get(Job, job_id)
    return kind_named(job.kind).timeout if job is not None else 600


def run_due_periodic_jobs(app: Flask) -> None:
    """Start the periodic jobs that are due (services/jobs/schedule.py); any number of processes may call it."""
    from server.queue import current_queue
    from server.services.jobs.schedule import start_due_jobs

    with app.app_context():
        try:
            start_due_jobs(db.session, current_queue(), app.config)
        finally:
            db.session.remove()


def scheduler_thread(app: Flask, stop: threading.Event) -> threading.Thread:
    """A daemon thread that looks for due periodic jobs every JOB_TICK_SECONDS until `stop` is set."""

    def loop() -> None:
        tick = float(app.config["JOB_TICK_SECONDS"])
        while not stop.wait(tick):
            try:
                run_due_periodic_jobs(app)
            except Exception:  # the database went away for a moment: try at the next tick
                log.exception("the periodic-job scheduler failed; trying again in %s s", tick)

    return threading.Thread(target=loop, name="fieldaudit-scheduler", daemon=True)


def run_worker(app: Flask, *, burst: bool = False, with_scheduler: bool = True, name: str | None = None) -> bool:
    """Take jobs from the Redis queue until stopped (or, with `burst`, until it is empty); False if none ran."""
    from rq import Worker

    from server.queue import RedisQueue, current_queue

    global _APP
    _APP = app
    with app.app_context():
        queue = current_queue()
        db.engine.dispose()  # the horses fork from here: no connection may be open
    if not isinstance(queue, RedisQueue):
        raise RuntimeError("FIELDAUDIT_REDIS_URL is not set: without Redis the server runs its jobs itself")
    stop = threading.Event()
    if with_scheduler:
        run_due_periodic_jobs(app)  # at once: a worker that starts after an outage reaps what died with the last one
        with app.app_context():
            db.engine.dispose()
        scheduler_thread(app, stop).start()
    worker = Worker([queue.queue], connection=queue.connection, name=name)
    try:
        return worker.work(burst=burst, logging_level="INFO", with_scheduler=False)
    finally:
        stop.set()
