"""What a kind of job is: a name, the function that does the work, and how long and how often it may try."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from server.extensions import DbSession
from server.storage import FileStore, PhotoStorage


class Progress(Protocol):
    """How a running job says how far it got (the page's progress bar reads it)."""

    def __call__(self, percent: int, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobOutput:
    """A job's result file: its download name, its type, and a reader the runner streams into the file store."""

    filename: str
    mimetype: str
    stream: IO[bytes]


@dataclass
class JobContext:
    """What a running job may use: the database, the stores, its parameters, progress, and the queue."""

    session: DbSession
    storage: PhotoStorage
    files: FileStore
    job_id: uuid.UUID
    params: dict[str, Any]
    owner_id: int | None
    progress: Progress
    settings: dict[str, Any]
    submit: Callable[[Iterable[uuid.UUID]], None]
    """Submit other jobs (already committed as queued) to the queue: the reaper's resubmissions."""


@dataclass(frozen=True)
class JobKind:
    """A registered kind (services/jobs/catalogue.py): `run` returns the result file, or None for work without one."""

    name: str
    run: Callable[[JobContext], JobOutput | None]
    timeout: int = 600
    """Seconds a run may take before its worker kills it (RQ's job timeout; the heartbeat tells the rest)."""
    max_attempts: int = 2
    """Runs before a job whose worker keeps dying is marked failed."""
    more_due: Callable[[DbSession, dict[str, Any]], bool] | None = None
    """For a sweep (the mail outbox, webhook events): whether work arrived while a run finished. A request that
    queued work while the run was still going joined it instead of starting one; when this answers True after the
    run, the job starts again at once, so that work does not wait for the next periodic tick."""
