"""Corrective actions (docs/actions.md): what a branch must fix after a visit found it wrong, and their history.

An action belongs to a branch; it may come from a visit's answer (`visit_id`, `question_key`) or from nowhere (raised
by hand). Actions raised automatically carry a `finding_key` (source, visit, question): unique, so one finding
raises one action however often its visit is approved or corrected. Every change adds a `CorrectiveActionEvent`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User
    from server.models.org import Branch
    from server.models.visits import Visit


class ActionStatus(str, enum.Enum):
    """open -> in_progress -> done -> verified; any but verified -> cancelled (with a reason)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    CANCELLED = "cancelled"


UNFINISHED_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
"""An action in one of these is overdue once its due date has passed."""


class ActionPriority(str, enum.Enum):
    """How urgent the fix is."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ActionSource(str, enum.Enum):
    """Who raised the action: a person, or a rule on an approved visit."""

    MANUAL = "manual"
    CRITICAL_FAILURE = "critical_failure"
    BELOW_TARGET = "below_target"


class CorrectiveAction(Model):
    """A fix a branch owes: what, who owns it, by when, and where it stands."""

    __tablename__ = "corrective_actions"
    __table_args__ = (Index("ix_corrective_actions_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    question_key: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    """None until someone is assigned (an automatic action of a branch without a contact)."""
    due_on: Mapped[date]
    priority: Mapped[ActionPriority] = mapped_column(
        str_enum(ActionPriority, "action_priority"), default=ActionPriority.NORMAL
    )
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[ActionSource] = mapped_column(str_enum(ActionSource, "action_source"), default=ActionSource.MANUAL)
    finding_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """`<source>:<visit id>:<question key>` of an automatic action (None for manual ones): one action per finding."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()  # noqa: F821
    visit: Mapped[Visit | None] = relationship()  # noqa: F821
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])  # noqa: F821
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    events: Mapped[list[CorrectiveActionEvent]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="CorrectiveActionEvent.id"
    )
    evidence: Mapped[list[CorrectiveActionEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="CorrectiveActionEvidence.created_at"
    )

    def is_overdue(self, today: date) -> bool:
        """Open or in progress past its due date."""
        return self.status in UNFINISHED_STATUSES and self.due_on < today


class CorrectiveActionEvent(Model):
    """One entry of an action's history: who changed what from what to what, or commented, and when."""

    __tablename__ = "corrective_action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    """created, status, owner, due, priority or comment."""
    from_value: Mapped[str] = mapped_column(String(200), default="")
    to_value: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[CorrectiveAction] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()  # noqa: F821


class CorrectiveActionEvidence(Model):
    """A photo uploaded as evidence of the fix: kept as two JPEG renditions (page and thumb) in the file store,
    named by its id (`actions/<id>/page.jpg`, `thumb.jpg`); the upload itself is decoded once and not kept."""

    __tablename__ = "corrective_action_evidence"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    action_id: Mapped[int] = mapped_column(ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    caption: Mapped[str] = mapped_column(String(200), default="")
    width: Mapped[int]
    height: Mapped[int]
    """The uploaded image's pixels."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()  # noqa: F821
