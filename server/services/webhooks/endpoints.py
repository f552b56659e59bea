"""Admins' use cases for webhook endpoints: register, edit, turn off and on, new secret, test ping, redeliver, logs.

The secret is kept as is (signing needs it; a hash could not sign) and shown once, when it is made, like an API
token: never on a page again, never in a log. Nothing here commits: the caller's `atomic` block does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from server.extensions import DbSession
from server.models import DeliveryStatus, User, WebhookDelivery, WebhookEndpoint, WebhookEvent
from server.models.types import utcnow
from server.models.webhooks import FINISHED_STATUSES
from server.permissions import can_manage
from server.services.activity import log_activity
from server.services.errors import Conflict, NotAllowed, NotFound, ServiceError
from server.services.webhooks.addresses import check_url
from server.services.webhooks.catalogue import chosen_event_types
from server.services.webhooks.outbox import deliver_after_commit, emit
from server.services.webhooks.signing import new_secret

MAX_DESCRIPTION = 200
DELIVERIES_PER_PAGE = 50


def _admin(user: User) -> None:
    if not can_manage(user):
        raise NotAllowed(None, "Only admins manage webhooks.")


def _description(text: object) -> str:
    value = str(text or "").strip()
    if len(value) > MAX_DESCRIPTION:
        raise ServiceError("description", f"The description must be at most {MAX_DESCRIPTION} characters long.")
    return value


def register_endpoint(
    session: DbSession,
    admin: User,
    *,
    url: object,
    event_types: object,
    description: object = "",
    settings: dict[str, Any],
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret (to show once); the URL refused if this server may not send to it."""
    _admin(admin)
    checked, types, text = check_url(url, settings), chosen_event_types(event_types), _description(description)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=checked, description=text, secret=secret, event_types=types, active=True, created_by_id=admin.id
    )
    session.add(endpoint)
    session.flush()
    log_activity(session, admin, "webhook_created", "webhook_endpoint", endpoint.id, f"Webhook {checked} created")
    return endpoint, secret


def edit_endpoint(
    session: DbSession,
    admin: User,
    endpoint: WebhookEndpoint,
    *,
    url: object,
    event_types: object,
    description: object = "",
    settings: dict[str, Any],
) -> WebhookEndpoint:
    """Change the URL, the event types or the description (the secret stays)."""
    _admin(admin)
    endpoint.url, endpoint.event_types = check_url(url, settings), chosen_event_types(event_types)
    endpoint.description = _description(description)
    log_activity(session, admin, "webhook_edited", "webhook_endpoint", endpoint.id, f"Webhook {endpoint.url} edited")
    return endpoint


def set_endpoint_active(
    session: DbSession, admin: User, endpoint: WebhookEndpoint, active: bool, settings: dict[str, Any]
) -> WebhookEndpoint:
    """Turn an endpoint off (its deliveries wait) or on again: its failure count starts over, and the deliveries
    that waited get a fresh retry window."""
    _admin(admin)
    if active and not endpoint.active:
        endpoint.consecutive_failures, endpoint.failing_since, endpoint.disabled_reason = 0, None, ""
        now = utcnow()
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status.not_in(FINISHED_STATUSES))
            .values(next_attempt_at=now, retry_until=now + _retry_window(settings))
            .execution_options(synchronize_session=False)
        )
        deliver_after_commit(session)
    elif not active:
        endpoint.disabled_reason = ""
    endpoint.active = active
    verb = "reactivated" if active else "deactivated"
    log_activity(session, admin, f"webhook_{verb}", "webhook_endpoint", endpoint.id, f"Webhook {endpoint.url} {verb}")
    return endpoint


def _retry_window(settings: dict[str, Any]) -> timedelta:
    return timedelta(hours=float(settings["WEBHOOK_RETRY_HOURS"]))


def rotate_secret(session: DbSession, admin: User, endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint (to show once); deliveries from now on are signed with it."""
    _admin(admin)
    endpoint.secret = new_secret()
    log_activity(
        session, admin, "webhook_secret", "webhook_endpoint", endpoint.id, f"Webhook {endpoint.url}: new secret"
    )
    return endpoint.secret


def send_ping(session: DbSession, admin: User, endpoint: WebhookEndpoint) -> WebhookEvent:
    """A `ping` event for this endpoint only (sent even while it is turned off, to test a fix)."""
    _admin(admin)
    data = {"endpoint": {"id": endpoint.id, "url": endpoint.url, "event_types": list(endpoint.event_types)}}
    return emit(session, "ping", endpoint.id, data, only_endpoint_id=endpoint.id)


def redeliver(
    session: DbSession, admin: User, endpoint: WebhookEndpoint, delivery_id: int, settings: dict[str, Any]
) -> WebhookDelivery:
    """Send a delivery again, soon: the same event (same id and body), with a fresh retry window."""
    _admin(admin)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound("delivery", "This endpoint has no such delivery.")
    if delivery.status is DeliveryStatus.DELIVERING:
        raise Conflict("delivery", "This delivery is being sent right now; look again in a moment.")
    now = utcnow()
    delivery.status, delivery.next_attempt_at, delivery.retry_until = (
        DeliveryStatus.PENDING,
        now,
        now + _retry_window(settings),
    )
    deliver_after_commit(session, force=True)
    log_activity(
        session, admin, "webhook_redeliver", "webhook_endpoint", endpoint.id, f"Delivery {delivery.id} sent again"
    )
    return delivery


def list_endpoints(session: DbSession) -> list[tuple[WebhookEndpoint, int, datetime | None]]:
    """Every endpoint with its deliveries still to go and when it last attempted one, newest endpoint first."""
    waiting = (
        select(func.count())
        .where(WebhookDelivery.endpoint_id == WebhookEndpoint.id, WebhookDelivery.status.not_in(FINISHED_STATUSES))
        .scalar_subquery()
    )
    last = (
        select(func.max(WebhookDelivery.last_attempt_at))
        .where(WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .scalar_subquery()
    )
    rows = session.execute(select(WebhookEndpoint, waiting, last).order_by(WebhookEndpoint.id.desc())).all()
    return [(endpoint, int(count or 0), attempted) for endpoint, count, attempted in rows]


@dataclass(frozen=True)
class DeliveryPage:
    """One page of an endpoint's delivery log, newest first, with each delivery's event."""

    rows: list[tuple[WebhookDelivery, WebhookEvent]]
    page: int
    pages: int
    total: int


def delivery_log(session: DbSession, endpoint: WebhookEndpoint, page: int = 1) -> DeliveryPage:
    """The endpoint's deliveries, newest first."""
    total = session.scalar(select(func.count()).where(WebhookDelivery.endpoint_id == endpoint.id)) or 0
    pages = max(1, math.ceil(total / DELIVERIES_PER_PAGE))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.seq == WebhookDelivery.event_seq)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .offset((page - 1) * DELIVERIES_PER_PAGE)
        .limit(DELIVERIES_PER_PAGE)
    ).all()
    return DeliveryPage([(delivery, event) for delivery, event in rows], page, pages, total)
