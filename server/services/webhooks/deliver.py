"""Delivering webhook events: fan each event out to its endpoints, claim what is due, POST it signed, record how it went.

- **Fan-out**: each new event gets one delivery per active endpoint that subscribes to its type and existed when
  the event was written; its body is frozen then, so every retry sends the same bytes (same event id).
- **Claimed once**: a worker claims a delivery with one conditional UPDATE (committed before the POST), which also
  sets a lease. Two workers never send the same delivery at once; a worker killed mid-delivery leaves it
  `delivering` with a lease that runs out, and the next run claims it again (at least once, same event id).
- **In order per object**: a delivery is not due while an earlier event's delivery for the same object and
  endpoint is unfinished (not yet succeeded or finally failed).
- **Retries**: exponential back-off with jitter, for WEBHOOK_RETRY_HOURS, then failed. An endpoint that fails
  WEBHOOK_DISABLE_AFTER times in a row, or for the whole retry window, is turned off with a reason.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import aliased

from server.extensions import DbSession
from server.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from server.models.types import utcnow
from server.models.webhooks import FINISHED_STATUSES
from server.services.activity import log_activity
from server.services.jobs.kinds import JobContext, JobKind
from server.services.transactions import atomic
from server.services.webhooks.addresses import AddressRefused, Resolver, refuse_private_host, resolve
from server.services.webhooks.outbox import complete_data
from server.services.webhooks.signing import delivery_headers

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

SNIPPET_BYTES = 2048
"""At most this much of a response is read (then the connection is dropped); its first 500 characters are kept."""
MAX_DELAY_SECONDS = 3600
"""The back-off doubles up to an hour between attempts."""
RUN_BUDGET_SECONDS = 120
"""One delivery run stops taking new deliveries after this; the next run (or a kick) carries on."""
FAN_OUT_BATCH = 500


@dataclass(frozen=True)
class DeliveryPolicy:
    """The delivery settings (config.webhook_settings), read once per run."""

    timeout: float
    retry_window: timedelta
    base_delay: float
    disable_after: int
    allow_private: bool

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> DeliveryPolicy:
        return cls(
            timeout=float(settings["WEBHOOK_TIMEOUT_SECONDS"]),
            retry_window=timedelta(hours=float(settings["WEBHOOK_RETRY_HOURS"])),
            base_delay=float(settings["WEBHOOK_RETRY_BASE_SECONDS"]),
            disable_after=int(settings["WEBHOOK_DISABLE_AFTER"]),
            allow_private=bool(settings["WEBHOOK_ALLOW_PRIVATE"]),
        )

    @property
    def lease(self) -> timedelta:
        """How long a claim holds: a POST (connect and read timeouts) cannot take longer, with room to spare."""
        return timedelta(seconds=2 * self.timeout + 30)

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
        """The wait after the `attempts`-th failure: base x 2^(n-1), an hour at most, jittered down to half."""
        ceiling = min(MAX_DELAY_SECONDS, self.base_delay * 2 ** max(0, attempts - 1))
        return timedelta(seconds=ceiling * (0.5 + 0.5 * rng()))


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: the status code (None if no answer), the start of the body, the time, any error."""

    code: int | None
    snippet: str
    duration_ms: int
    error: str

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300 and not self.error


def event_body(session: DbSession, event: WebhookEvent) -> str:
    """The JSON document sent for `event` (version 1): id, type, version, created_at and the completed data."""
    document = {
        "id": str(event.id),
        "type": event.type,
        "version": event.version,
        "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": complete_data(session, event.data or {}),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def fan_out(session: DbSession, policy: DeliveryPolicy, now: datetime | None = None) -> int:
    """Give the events not yet fanned out their deliveries and frozen bodies, oldest first (committed); how many."""
    now = now or utcnow()
    with atomic(session):
        events = list(
            session.scalars(
                select(WebhookEvent)
                .where(WebhookEvent.fanned_out_at.is_(None))
                .order_by(WebhookEvent.seq)
                .limit(FAN_OUT_BATCH)
            )
        )
        if not events:
            return 0
        endpoints = list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
        for event in events:
            claimed = session.execute(  # another worker fanning out at the same time gets 0 rows
                update(WebhookEvent)
                .where(WebhookEvent.seq == event.seq, WebhookEvent.fanned_out_at.is_(None))
                .values(fanned_out_at=now, body=event_body(session, event))
                .execution_options(synchronize_session=False)
            )
            if not getattr(claimed, "rowcount", 0):
                continue
            for endpoint in endpoints:
                if _receives(endpoint, event):
                    session.add(
                        WebhookDelivery(
                            event_seq=event.seq,
                            endpoint_id=endpoint.id,
                            object_key=f"{event.object_type}:{event.object_id}",
                            status=DeliveryStatus.PENDING,
                            next_attempt_at=now,
                            retry_until=now + policy.retry_window,
                            created_at=now,
                        )
                    )
    return len(events)


def _receives(endpoint: WebhookEndpoint, event: WebhookEvent) -> bool:
    """A ping goes to its endpoint; other events to active endpoints that want them and existed when they happened."""
    if event.only_endpoint_id is not None:
        return endpoint.id == event.only_endpoint_id
    return endpoint.active and endpoint.wants(event.type) and endpoint.created_at <= event.created_at


def _due(now: datetime) -> Any:
    """The condition of a delivery that may be claimed now (used in the SELECT and again in the claiming UPDATE)."""
    earlier = aliased(WebhookDelivery)
    held_back = (
        exists()
        .where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.object_key == WebhookDelivery.object_key,
            earlier.event_seq < WebhookDelivery.event_seq,
            earlier.status.not_in(FINISHED_STATUSES),
        )
        .correlate(WebhookDelivery)
    )
    endpoint_on = (
        exists()
        .where(
            WebhookEndpoint.id == WebhookDelivery.endpoint_id,
            or_(WebhookEndpoint.active.is_(True), WebhookDelivery.object_key.startswith("endpoint:")),
        )
        .correlate(WebhookDelivery)
    )
    waiting = and_(
        WebhookDelivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.RETRYING)),
        WebhookDelivery.next_attempt_at <= now,
    )
    abandoned = and_(WebhookDelivery.status == DeliveryStatus.DELIVERING, WebhookDelivery.claimed_until < now)
    return and_(or_(waiting, abandoned), ~held_back, endpoint_on)


def claim_next(session: DbSession, policy: DeliveryPolicy, now: datetime | None = None) -> tuple[int, int] | None:
    """Claim one due delivery for this worker (committed): (its id, the attempt number), or None if none is due."""
    now = now or utcnow()
    candidates = list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(_due(now))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_seq)
            .limit(20)
        )
    )
    session.rollback()
    for delivery_id in candidates:
        with atomic(session):
            won = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, _due(now))
                .values(
                    status=DeliveryStatus.DELIVERING,
                    attempts=WebhookDelivery.attempts + 1,
                    claimed_until=now + policy.lease,
                    last_attempt_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        if getattr(won, "rowcount", 0):
            attempt = session.scalar(select(WebhookDelivery.attempts).where(WebhookDelivery.id == delivery_id))
            session.rollback()
            return delivery_id, int(attempt or 0)
    return None


def post(
    url: str, headers: dict[str, str], body: bytes, policy: DeliveryPolicy, resolver: Resolver = resolve
) -> Outcome:
    """POST once: the host checked again (DNS may have changed), no redirect followed, at most SNIPPET_BYTES read."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(url)
    if not policy.allow_private:
        try:
            refuse_private_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80), resolver)
        except AddressRefused as exc:
            return Outcome(None, "", took(), exc.message)
    try:
        with requests.post(
            url,
            data=body,
            headers=headers,
            timeout=(policy.timeout, policy.timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = response.raw.read(SNIPPET_BYTES, decode_content=True) or b""
            code = response.status_code
            location = response.headers.get("Location", "")
    except requests.Timeout:
        return Outcome(None, "", took(), f"No answer within {policy.timeout:g} s.")
    except requests.RequestException as exc:
        return Outcome(None, "", took(), f"{type(exc).__name__}: {exc}"[:500])
    snippet = raw.decode("utf-8", errors="replace")[:500]
    error = f"Redirected to {location[:300]} (webhooks do not follow redirects)." if 300 <= code < 400 else ""
    return Outcome(code, snippet, took(), error)


def attempt_delivery(
    session: DbSession,
    delivery_id: int,
    attempt: int,
    policy: DeliveryPolicy,
    *,
    clock: Clock = utcnow,
    resolver: Resolver = resolve,
) -> Outcome | None:
    """Send a claimed delivery and record the outcome; None if the delivery is gone (its endpoint was deleted)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        session.rollback()
        return None
    endpoint, event = delivery.endpoint, delivery.event
    body = (event.body or "").encode("utf-8")
    sent_at = clock()
    headers = delivery_headers(endpoint.secret, event.type, str(event.id), int(sent_at.timestamp()), body)
    url = endpoint.url
    session.rollback()  # no transaction held open while the receiver answers
    outcome = post(url, headers, body, policy, resolver)
    record_outcome(session, delivery_id, attempt, outcome, policy, clock())
    return outcome


def record_outcome(
    session: DbSession, delivery_id: int, attempt: int, outcome: Outcome, policy: DeliveryPolicy, now: datetime
) -> None:
    """Store how the attempt went (unless the claim was lost meanwhile), schedule the retry, count the failure."""
    with atomic(session):
        delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status is not DeliveryStatus.DELIVERING or delivery.attempts != attempt:
            return  # taken for dead and claimed again by another worker: its outcome is the one that counts
        delivery.response_code, delivery.response_snippet = outcome.code, outcome.snippet
        delivery.duration_ms, delivery.error, delivery.claimed_until = outcome.duration_ms, outcome.error, None
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)  # counts stay exact
        assert endpoint is not None  # its deliveries go with it
        if outcome.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            return
        if now >= delivery.retry_until:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = min(now + policy.delay(delivery.attempts), delivery.retry_until)
        endpoint.consecutive_failures += 1
        endpoint.failing_since = endpoint.failing_since or now
        if endpoint.active and (
            endpoint.consecutive_failures >= policy.disable_after or now - endpoint.failing_since >= policy.retry_window
        ):
            _disable(session, endpoint, outcome, now)


def _disable(session: DbSession, endpoint: WebhookEndpoint, outcome: Outcome, now: datetime) -> None:
    """Turn off an endpoint that keeps failing, saying why on its page and in the activity log."""
    last = outcome.error or f"HTTP {outcome.code}"
    endpoint.active = False
    endpoint.disabled_reason = (
        f"Turned off on {now:%Y-%m-%d %H:%M} UTC after {endpoint.consecutive_failures} failed deliveries in a row "
        f"(the last: {last})"[:440]
        + ". Fix the receiver, then reactivate it: its waiting deliveries resume."
    )
    log_activity(session, None, "webhook_disabled", "webhook_endpoint", endpoint.id, endpoint.disabled_reason)


def forget_old_events(session: DbSession, keep: timedelta, now: datetime | None = None) -> int:
    """Delete events older than `keep` whose deliveries all finished, with their delivery log (committed)."""
    cutoff = (now or utcnow()) - keep
    unfinished = exists().where(
        WebhookDelivery.event_seq == WebhookEvent.seq, WebhookDelivery.status.not_in(FINISHED_STATUSES)
    )
    with atomic(session):
        old = list(
            session.scalars(
                select(WebhookEvent.seq)
                .where(WebhookEvent.created_at < cutoff, WebhookEvent.fanned_out_at.is_not(None), ~unfinished)
                .limit(5000)
            )
        )
        if old:
            session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_seq.in_(old)))
            session.execute(delete(WebhookEvent).where(WebhookEvent.seq.in_(old)))
    return len(old)


def deliver_due(
    session: DbSession,
    policy: DeliveryPolicy,
    *,
    clock: Clock = utcnow,
    resolver: Resolver = resolve,
    budget_seconds: float = RUN_BUDGET_SECONDS,
) -> int:
    """Fan out new events and send every due delivery, one after the other, until none is due (or the budget is
    spent); how many attempts were made."""
    deadline = time.monotonic() + budget_seconds
    fan_out(session, policy, clock())
    attempts = 0
    while time.monotonic() < deadline:
        claimed = claim_next(session, policy, clock())
        if claimed is None:
            if fan_out(session, policy, clock()):  # events committed while this run worked
                continue
            break
        attempt_delivery(session, *claimed, policy, clock=clock, resolver=resolver)
        attempts += 1
    return attempts


def _run(context: JobContext) -> None:
    settings = context.settings
    deliver_due(context.session, DeliveryPolicy.from_settings(settings))
    forget_old_events(context.session, timedelta(days=settings["WEBHOOK_KEEP_DAYS"]))


def _events_waiting(session: DbSession, _settings: dict[str, Any]) -> bool:
    """Events committed after the run's last fan-out (their request joined the finishing run)."""
    return session.scalar(select(WebhookEvent.seq).where(WebhookEvent.fanned_out_at.is_(None)).limit(1)) is not None


WEBHOOK_DELIVERIES = JobKind(
    "webhook_deliveries", _run, timeout=RUN_BUDGET_SECONDS + 300, max_attempts=1, more_due=_events_waiting
)
