"""Background jobs: what was asked, by whom, how far it got, and where its result is (docs/architecture.md, Jobs).

The queue (RQ on Redis, or a thread pool in the embedded server) carries only a job's id; this row is the
truth every process reads: the page's progress bar, who may download the result, whether a repeated
request joins a running job, and whether a job whose worker died must run again.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User


class JobStatus(enum.StrEnum):
    """queued -> running -> done | failed; a running job whose worker died goes back to queued (or fails)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)

_ACTIVE = "status IN ('queued', 'running')"


class Job(Model):
    """One piece of background work of a registered kind (services/jobs/kinds.py) with its parameters."""

    __tablename__ = "jobs"
    __table_args__ = (
        # One active job per request: a repeated request joins it (services/jobs/records.py start_job).
        Index(
            "uq_jobs_active_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
        Index("ix_jobs_owner_created", "owner_id", "created_at"),
        Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(200), default="")
    """What the job makes, in words for its page ("Region report NORTH, 2026-09-01 to 2026-11-30")."""
    dedupe_key: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    """Who started it (None: the scheduler); they and admins may see it."""
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    """Percent done, 0-100."""
    message: Mapped[str] = mapped_column(String(500), default="")
    """The step it is on while it runs; why it failed when it failed."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_name: Mapped[str | None] = mapped_column(String(300))
    """Where the result lives in the generated-file store (server/storage/files.py)."""
    result_filename: Mapped[str | None] = mapped_column(String(160))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    result_size: Mapped[int | None] = mapped_column(Integer)
    result_sha256: Mapped[str | None] = mapped_column(String(64))

    owner: Mapped[User | None] = relationship()  # noqa: F821

    @property
    def active(self) -> bool:
        """Still to run or running."""
        return self.status in ACTIVE_STATUSES


class PeriodicRun(Model):
    """The last period slot a periodic job kind was started for: claiming a slot is one conditional UPDATE,
    so however many processes run the scheduler, each period starts its job once."""

    __tablename__ = "periodic_runs"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_slot: Mapped[int] = mapped_column(Integer, default=0)
    """`int(epoch seconds // interval)` of the last started period."""
