"""The embedded queue: jobs run on a small thread pool inside the server process (no Redis to install).

Jobs survive a restart because their rows do: a job that was queued or running when the process stopped is
submitted again by the periodic reaper (services/jobs/maintenance.py). The scheduler thread runs periodic
jobs here too, so `scripts/serve` needs no worker process.
"""

from __future__ import annotations

import importlib
import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import Flask

from server.queue.base import PERFORM

log = logging.getLogger(__name__)


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


class InProcessQueue:
    """A JobQueue of `threads` background threads in this process, each job in an app context of its own."""

    mode = "in-process"

    def __init__(self, app: Flask, *, threads: int = 2):
        self.app, self.threads = app, threads
        self._executor: ThreadPoolExecutor | None = None
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        self._scheduler: threading.Thread | None = None
        self._stop = threading.Event()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:  # created on first use: never in gunicorn's master before it forks
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="fieldaudit-job")
            return self._executor

    def submit(self, job_id: uuid.UUID, *, timeout: int) -> None:
        """Run the job on the pool; `timeout` is left to the job's heartbeat (a thread cannot be killed)."""
        future = self._pool().submit(self._perform, job_id)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)

    def _perform(self, job_id: uuid.UUID) -> None:
        try:
            _resolve(PERFORM + "_in")(self.app, job_id)
        except Exception:  # perform records failures on the job; this is a bug in that bookkeeping
            log.exception("job %s could not be run", job_id)

    def problem(self) -> str | None:
        """A thread pool is always there."""
        return None

    def wait_idle(self, timeout: float = 60) -> bool:
        """Wait until every submitted job has run (the CLI and tests); False if some still run after `timeout`."""
        with self._lock:
            pending = set(self._futures)
        done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def start_scheduler(self) -> None:
        """Start the periodic-job thread once per process (a `before_request` hook, so after any fork)."""
        if self._scheduler is not None:
            return
        with self._lock:
            if self._scheduler is not None:
                return
            tick = float(self.app.config["JOB_TICK_SECONDS"])
            self._scheduler = threading.Thread(
                target=self._schedule, args=(tick,), name="fieldaudit-scheduler", daemon=True
            )
            self._scheduler.start()

    def _schedule(self, tick: float) -> None:
        run_due = _resolve("server.worker.run_due_periodic_jobs")
        while not self._stop.wait(tick):
            try:
                run_due(self.app)
            except Exception:  # a database hiccup must not end the scheduler
                log.exception("the periodic-job scheduler failed; trying again in %s s", tick)

    def close(self) -> None:
        """Stop the scheduler and let running jobs finish (tests)."""
        self._stop.set()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
