"""Deliver at once: after a request whose transaction wrote webhook events commits, start (or join) the delivery job.

The periodic run (every WEBHOOK_POLL_SECONDS) delivers whatever a kick missed: a request that failed after its
commit, events written by the CLI or a job, or events committed just as a running delivery job finished.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.extensions import db
from server.models import WebhookEndpoint
from server.services.webhooks.outbox import COMMITTED, FORCE

log = logging.getLogger(__name__)


def start_deliveries(*, force: bool = False) -> None:
    """Start (or join) a delivery job, on a session of its own (the request's may hold work of its own); unless
    `force`d (a ping, a redelivery), only if some endpoint is active: events nobody receives need no job."""
    from server.queue import current_queue
    from server.services.jobs.launch import launch
    from server.services.webhooks.deliver import WEBHOOK_DELIVERIES

    with Session(db.engine) as session:
        if force or session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True)).limit(1)):
            launch(session, current_queue(), WEBHOOK_DELIVERIES, {}, None, "Webhook deliveries")


def init_app(app: Flask) -> None:
    """After each request: if it committed events, hand them to the queue now."""

    @app.after_request
    def _deliver_soon(response: Response) -> Response:
        committed = db.session.info.pop(COMMITTED, None)
        if committed:
            try:
                start_deliveries(force=committed == FORCE)
            except Exception:  # the periodic run delivers them; the request that made them has succeeded
                log.warning("webhook deliveries not started at once; the periodic run will send them", exc_info=True)
        return response
