"""What a job queue does: take a job's id and make sure some process runs `server.worker.perform` on it."""

from __future__ import annotations

import uuid
from typing import Protocol

PERFORM = "server.worker.perform"
"""The one function every queue runs, named by import path (RQ stores it so; this package imports no layer)."""


class QueueUnavailable(RuntimeError):
    """The queue cannot take jobs now (Redis does not answer): the job stays queued and is submitted again later."""


class JobQueue(Protocol):
    """Where started jobs go; `submit` is called after the job's row is committed."""

    mode: str
    """"in-process" or "redis", for the start-up lines and the jobs page."""

    def submit(self, job_id: uuid.UUID, *, timeout: int) -> None:
        """Have `perform(job_id)` run soon; `timeout` seconds is the most it may take."""

    def problem(self) -> str | None:
        """Why the queue cannot take jobs now, or None."""

    def close(self) -> None:
        """Let go of threads or connections (tests, shutdown)."""
