"""/api/v1/webhooks for admins' tokens: register (secret once), list, change, ping, delivery log, redeliver; field
errors name the field; other roles get 403."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from server.models import WebhookDelivery
from server.services.webhooks.deliver import deliver_due
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import token_for
from tests.server.webhooks.consumer import Headers, verify

API = "/api/v1/webhooks"


@pytest.fixture
def admin_headers(session, world):
    return bearer(token_for(session, world.admin))


def test_an_admin_registers_an_endpoint_and_gets_its_secret_only_in_that_answer(client, admin_headers, receiver):
    made = client.post(API, json={"url": receiver.url, "event_types": ["visit.approved"]}, headers=admin_headers)
    assert made.status_code == 201 and made.json["secret"].startswith("whsec_")
    listed = client.get(API, headers=admin_headers).json
    assert [e["url"] for e in listed] == [receiver.url] and "secret" not in listed[0]
    one = client.get(f"{API}/{made.json['id']}", headers=admin_headers).json
    assert one["event_types"] == ["visit.approved"] and "secret" not in one


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://localhost/x", "event_types": ["visit.approved"]}, "url"),
        ({"url": "https://127.0.0.1/x", "event_types": ["visit.approved"]}, "url"),
        ({"url": "ftp://example.org/x", "event_types": ["visit.approved"]}, "url"),
        ({"url": "https://hooks.example.org/x", "event_types": ["visit.exploded"]}, "event_types"),
        ({"url": "https://hooks.example.org/x", "event_types": []}, "event_types"),
        ({"event_types": ["visit.approved"]}, "url"),
    ],
)
def test_a_bad_endpoint_is_refused_naming_the_field(client, admin_headers, app, body, field):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    answer = client.post(API, json=body, headers=admin_headers)
    assert answer.status_code == 422, answer.json
    assert field in json.dumps(answer.json["errors"]), answer.json


def test_change_ping_log_and_redeliver(client, admin_headers, receiver, session, policy, app):
    made = client.post(API, json={"url": receiver.url, "event_types": ["visit.approved"]}, headers=admin_headers).json
    base = f"{API}/{made['id']}"
    changed = client.patch(base, json={"event_types": ["visit.returned"], "active": False}, headers=admin_headers)
    assert changed.status_code == 200 and changed.json["event_types"] == ["visit.returned"]
    assert changed.json["active"] is False
    assert client.post(f"{base}/ping", headers=admin_headers).status_code == 202
    assert app.extensions["job_queue"].wait_idle(60)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["type"] == "ping" and verify(made["secret"], Headers(request.headers), request.body)
    (logged,) = client.get(f"{base}/deliveries", headers=admin_headers).json
    assert logged["status"] == "succeeded" and logged["response_code"] == 200 and logged["event_type"] == "ping"
    again = client.post(f"{base}/deliveries/{logged['id']}/redeliver", headers=admin_headers)
    assert again.status_code == 202 and again.json["status"] == "pending"
    assert app.extensions["job_queue"].wait_idle(60)
    deliver_due(session, policy)
    first, second = receiver.wait_for(2)
    assert first.header("Fieldaudit-Delivery") == second.header("Fieldaudit-Delivery")
    assert client.post(f"{base}/deliveries/999999/redeliver", headers=admin_headers).status_code == 404
    assert session.scalar(select(WebhookDelivery.attempts)) == 2


@pytest.mark.parametrize("role", ["manager", "shopper"])
def test_other_roles_are_refused(client, session, make, world, receiver, role):
    endpoint, _ = world.endpoint(receiver.url)
    headers = bearer(token_for(session, make.user(role)))
    assert client.get(API, headers=headers).status_code == 403
    assert (
        client.post(API, json={"url": receiver.url, "event_types": ["visit.approved"]}, headers=headers).status_code
        == 403
    )
    assert client.get(f"{API}/{endpoint.id}/deliveries", headers=headers).status_code == 403
    assert client.post(f"{API}/{endpoint.id}/ping", headers=headers).status_code == 403
    assert client.get(API).status_code == 401
