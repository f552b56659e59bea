"""A delivery worker SIGKILLed while the receiver holds its request loses nothing: the claim runs out and the next
run sends the event again, with the same event id and body (at least once)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from server.models import DeliveryStatus, WebhookDelivery
from server.models.types import utcnow
from server.services.webhooks.deliver import deliver_due
from tests.server.webhooks.consumer import Headers, verify

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import json, sys
from server import create_app
from server.extensions import db
from server.services.webhooks.deliver import DeliveryPolicy, deliver_due

app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    deliver_due(db.session, DeliveryPolicy.from_settings(app.config))
"""


def test_a_worker_killed_mid_delivery_leaves_the_event_to_be_sent_again_with_the_same_id(
    world, receiver, session, policy, app_config
):
    receiver.hang_first = 1  # the first request gets no answer: the worker waits on it when it is killed
    _, secret = world.endpoint(receiver.url)
    world.submitted_visit()
    config = {**app_config, "WEBHOOK_TIMEOUT_SECONDS": 60}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(config)], cwd=ROOT)
    try:
        receiver.wait_for(1, timeout=60)
        session.expire_all()
        (delivery,) = session.scalars(select(WebhookDelivery))
        assert delivery.status is DeliveryStatus.DELIVERING and delivery.attempts == 1
    finally:
        worker.kill()
        worker.wait(30)
    receiver.release()
    assert deliver_due(session, policy) == 0  # the dead worker's claim still holds
    deliver_due(session, policy, clock=lambda: utcnow() + timedelta(seconds=2 * 60 + 31))  # its lease ran out
    first, second = receiver.wait_for(2)
    assert first.body == second.body
    assert first.header("Fieldaudit-Delivery") == second.header("Fieldaudit-Delivery")
    assert verify(secret, Headers(second.headers), second.body, tolerance=3600)
    session.expire_all()
    (delivery,) = session.scalars(select(WebhookDelivery))
    assert delivery.status is DeliveryStatus.SUCCEEDED and delivery.attempts == 2 and len(receiver.received) == 2
