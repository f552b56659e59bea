"""Webhooks (docs/webhooks.md): endpoints admins register, the transactional outbox of events, and each delivery.

An event row is written in the same transaction as the change it tells of, so a rolled-back change leaves
no event and a committed one always has its event. The delivery job (services/webhooks/deliver.py) fans each
event out to the endpoints that subscribe to it (one delivery row per event x endpoint) and POSTs them.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User


class DeliveryStatus(enum.StrEnum):
    """pending -> delivering -> succeeded | retrying (-> delivering ...) | failed (its retry window is over)."""

    PENDING = "pending"
    DELIVERING = "delivering"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


FINISHED_STATUSES = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)
"""A delivery in one of these no longer holds back later events for the same object."""


class WebhookEndpoint(Model):
    """A URL an admin registered, the event types it wants, and the secret its deliveries are signed with."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(String(100))
    """Kept as is: signing needs it. Shown once when made (like an API token); never logged or shown again."""
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str] = mapped_column(String(500), default="")
    """Why it is inactive when the server turned it off (it kept failing); empty when an admin did."""
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the current run of failures began (None: the last attempt succeeded)."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship()  # noqa: F821

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint subscribes to `event_type`."""
        return event_type in (self.event_types or [])


class WebhookEvent(Model):
    """One thing that happened, as the outbox holds it: written in the transaction of the change itself."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index("ix_webhook_events_unfanned", "fanned_out_at", "seq"),
        Index("ix_webhook_events_created", "created_at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    """The order events were written in (deliveries for one object go out in this order)."""
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    """The event id consumers see (`id` of the body, the `Fieldaudit-Delivery` header): the same on every retry."""
    type: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the change knew when it happened (ids, status, score); names are added when the event is fanned out."""
    body: Mapped[str | None] = mapped_column(Text)
    """The exact JSON sent (signed as is), frozen when the event is fanned out, so every retry sends the same bytes."""
    only_endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    """A test `ping` goes to the one endpoint it was sent from."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookDelivery(Model):
    """One event for one endpoint: how its attempts went, and when the next one is due."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_seq", "endpoint_id", name="uq_webhook_deliveries_event_endpoint"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_object", "endpoint_id", "object_key", "event_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("webhook_events.seq", ondelete="CASCADE")
    )
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    object_key: Mapped[str] = mapped_column(String(100))
    """`<object type>:<object id>` of the event: a later event for the same key waits for this one to finish."""
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """While delivering: after this the worker is taken for dead and another may claim the delivery again."""
    retry_until: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    """Retries stop after this (the retry window from the event, or from a redelivery)."""
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_code: Mapped[int | None] = mapped_column(Integer)
    response_snippet: Mapped[str] = mapped_column(String(500), default="")
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[WebhookEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship()
