"""Assignments and the visits shoppers submit, with their answers, photos and stored scores."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow
from shared.visit import NOT_COMPLETED_LABELS

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User
    from server.models.checklists import Template, TemplateVersion
    from server.models.org import Branch


class AssignmentStatus(str, enum.Enum):
    """Where a scheduled visit stands."""

    OPEN = "open"
    SUBMITTED = "submitted"
    DONE = "done"
    CANCELLED = "cancelled"


class VisitStatus(str, enum.Enum):
    """Where a submitted visit stands on the server (docs/architecture.md, Sync)."""

    AWAITING_PHOTOS = "awaiting_photos"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"


class Assignment(Model):
    """A visit scheduled for a shopper at a branch, with a checklist and a due window."""

    __tablename__ = "assignments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"))
    due_from: Mapped[date]
    due_to: Mapped[date]
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.OPEN
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()  # noqa: F821
    shopper: Mapped[User] = relationship()  # noqa: F821
    template: Mapped[Template] = relationship()  # noqa: F821


class Visit(Model):
    """The server's record of one visit: its id comes from the phone, its scores from shared."""

    __tablename__ = "visits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # Unique: one visit per assignment, even when two phones push different visits for it at once.
    assignment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assignments.id"), index=True, unique=True)
    # active_history on branch, status and finish time: a change keeps what it changed from, so the region-day
    # a visit leaves has its scores refreshed too (services/scores/marks.py)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True, active_history=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"), index=True)
    status: Mapped[VisitStatus] = mapped_column(str_enum(VisitStatus, "visit_status"), index=True, active_history=True)
    revision: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, active_history=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    score_percent: Mapped[float | None]
    earned: Mapped[float]
    possible: Mapped[float]
    critical_failures: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[bool] = mapped_column(default=False)
    zeroed: Mapped[bool] = mapped_column(default=False)
    # null = completed; else why the shopper could not complete it (shared.visit.NOT_COMPLETED_REASONS): not scored,
    # never counted in a roll-up (services/scores/filters.counted)
    outcome_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    outcome_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    branch: Mapped[Branch] = relationship()  # noqa: F821
    shopper: Mapped[User] = relationship(foreign_keys=[shopper_id])  # noqa: F821
    template_version: Mapped[TemplateVersion] = relationship()  # noqa: F821
    assignment: Mapped[Assignment | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan", order_by="Answer.position")
    section_scores: Mapped[list[VisitSectionScore]] = relationship(
        cascade="all, delete-orphan", order_by="VisitSectionScore.position"
    )
    photos: Mapped[list[Photo]] = relationship(cascade="all, delete-orphan")
    revisions: Mapped[list[VisitRevision]] = relationship(
        cascade="all, delete-orphan", order_by="VisitRevision.revision"
    )

    @property
    def not_completed(self) -> str | None:
        """Pages, exports and reports: "Could not complete: Shop closed — comment", or None for a completed visit."""
        if self.outcome_reason is None:
            return None
        text = f"Could not complete: {NOT_COMPLETED_LABELS.get(self.outcome_reason, self.outcome_reason)}"
        return f"{text} — {self.outcome_comment}" if self.outcome_comment else text


class VisitRevision(Model):
    """The exact document of each submission, kept forever; corrections add a revision."""

    __tablename__ = "visit_revisions"
    __table_args__ = (UniqueConstraint("visit_id", "revision", name="uq_visit_revisions_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    revision: Mapped[int]
    base_revision: Mapped[int | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Answer(Model):
    """One question's answer in the visit's current revision, with its scored points."""

    __tablename__ = "answers"
    __table_args__ = (  # critical failures are rare: the region's list reads only them (scores/region_failures.py)
        Index(
            "ix_answers_critical_failure",
            "visit_id",
            postgresql_where=text("critical_failure IS true"),
            sqlite_where=text("critical_failure IS 1"),
        ),
    )

    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    value: Mapped[object | None] = mapped_column(JSON)
    na: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    earned: Mapped[float | None]
    possible: Mapped[float | None]
    critical_failure: Mapped[bool] = mapped_column(default=False)


class VisitSectionScore(Model):
    """A section's score in one visit, stored so roll-ups are plain SQL."""

    __tablename__ = "visit_section_scores"

    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    earned: Mapped[float]
    possible: Mapped[float]
    percent: Mapped[float | None]


class Photo(Model):
    """A photo named in a visit's manifest; `received_bytes == size` once it has arrived.

    The original is decoded once, when its upload completes: `width`/`height` are its pixels and
    `page_key`/`thumb_key` its downscaled JPEG renditions, the only images pages and PDFs read.
    `refused_reason` says why the last complete upload was refused (too many pixels, not the declared
    format); `removed_at` when the retention period of a rejected visit deleted its files. `taken_at` and
    `latitude`/`longitude`/`accuracy_m` say when and where the phone took it (visit format 2; None if not sent).
    """

    __tablename__ = "photos"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(64))
    received_bytes: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str | None] = mapped_column(String(255))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    width: Mapped[int | None]
    height: Mapped[int | None]
    page_key: Mapped[str | None] = mapped_column(String(255))
    thumb_key: Mapped[str | None] = mapped_column(String(255))
    refused_reason: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
