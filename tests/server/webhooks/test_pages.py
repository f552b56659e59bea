"""The admin's webhook pages: register (secret shown once), edit, deactivate and reactivate, test ping, the delivery
log with Redeliver; admins only, forms with CSRF."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from server.models import Activity, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from server.services.webhooks.deliver import deliver_due
from tests.server.web.org.conftest import Browser
from tests.server.webhooks.consumer import Headers, verify

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")


@pytest.fixture
def as_admin(client, world):
    return Browser(client, world.admin)


def register(browser, url, events=("visit.submitted", "visit.approved")):
    return browser.post("/admin/webhooks/new", data={"url": url, "event_types": list(events), "description": "ERP"})


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(as_admin, receiver, session, app):
    page = register(as_admin, receiver.url)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    (secret,) = set(SECRET.findall(page.text))
    assert "not shown again" in page.text
    endpoint = session.scalar(select(WebhookEndpoint))
    assert endpoint.url == receiver.url and endpoint.event_types == ["visit.submitted", "visit.approved"]
    assert endpoint.secret == secret
    for url in ("/admin/webhooks/", f"/admin/webhooks/{endpoint.id}", f"/admin/webhooks/{endpoint.id}/edit"):
        shown = as_admin.get(url)
        assert shown.status_code == 200 and secret not in shown.text and receiver.url in shown.text
    log = session.scalars(select(Activity).where(Activity.object_type == "webhook_endpoint")).all()
    assert [entry.action for entry in log] == ["webhook_created"] and secret not in log[0].summary


def test_a_refused_url_and_no_event_type_are_shown_beside_their_fields(as_admin, session, app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    page = as_admin.post("/admin/webhooks/new", data={"url": "https://localhost/x"})
    assert page.status_code == 422 and 'id="url-error"' in page.text and "loopback" in page.text
    page = as_admin.post("/admin/webhooks/new", data={"url": "https://hooks.example.org/x"})  # DNS aside
    assert page.status_code == 422
    assert session.scalar(select(WebhookEndpoint)) is None


def test_edit_deactivate_and_reactivate(as_admin, receiver, session):
    register(as_admin, receiver.url)
    endpoint = session.scalar(select(WebhookEndpoint))
    saved = as_admin.post(
        f"/admin/webhooks/{endpoint.id}/edit",
        data={"url": receiver.url + "?v=2", "event_types": ["visit.returned"], "description": "ERP"},
    )
    assert saved.status_code == 302
    assert as_admin.post(f"/admin/webhooks/{endpoint.id}/active", data={"active": "0"}).status_code == 302
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.url.endswith("?v=2") and endpoint.event_types == ["visit.returned"] and not endpoint.active
    assert "Reactivate" in as_admin.get(f"/admin/webhooks/{endpoint.id}").text
    as_admin.post(f"/admin/webhooks/{endpoint.id}/active", data={"active": "1"})
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).active


def test_the_test_event_reaches_the_receiver_signed_and_shows_in_the_log(as_admin, receiver, session, app):
    secret = SECRET.search(register(as_admin, receiver.url).text).group(0)
    endpoint = session.scalar(select(WebhookEndpoint))
    assert as_admin.post(f"/admin/webhooks/{endpoint.id}/ping").status_code == 302
    assert app.extensions["job_queue"].wait_idle(60)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["type"] == "ping" and verify(secret, Headers(request.headers), request.body)
    page = as_admin.get(f"/admin/webhooks/{endpoint.id}").text
    assert "<code>ping</code>" in page and "succeeded" in page and ">200<" in page.replace("\n", "")


def test_redeliver_sends_the_same_event_again(as_admin, world, receiver, session, policy):
    register(as_admin, receiver.url)
    world.submitted_visit()
    deliver_due(session, policy)
    delivery = session.scalar(select(WebhookDelivery))
    endpoint_page = f"/admin/webhooks/{delivery.endpoint_id}"
    assert "Redeliver" in as_admin.get(endpoint_page).text
    assert as_admin.post(f"{endpoint_page}/deliveries/{delivery.id}/redeliver").status_code == 302
    session.expire_all()
    assert session.get(WebhookDelivery, delivery.id).status is DeliveryStatus.PENDING
    deliver_due(session, policy)
    first, second = receiver.wait_for(2)
    assert first.body == second.body and first.header("Fieldaudit-Delivery") == second.header("Fieldaudit-Delivery")


def test_a_redeliver_form_without_its_csrf_token_is_refused(as_admin, world, receiver, session, policy):
    register(as_admin, receiver.url)
    world.submitted_visit()
    deliver_due(session, policy)
    delivery = session.scalar(select(WebhookDelivery))
    answer = as_admin.client.post(f"/admin/webhooks/{delivery.endpoint_id}/deliveries/{delivery.id}/redeliver")
    assert answer.status_code == 400
    session.expire_all()
    assert session.get(WebhookDelivery, delivery.id).status is DeliveryStatus.SUCCEEDED


def test_a_turned_off_endpoint_shows_why(as_admin, world, receiver, session, app):
    from server.services.webhooks.deliver import DeliveryPolicy

    receiver.status = 500
    register(as_admin, receiver.url, ("visit.submitted",))
    world.submitted_visit()
    deliver_due(session, DeliveryPolicy.from_settings({**app.config, "WEBHOOK_DISABLE_AFTER": 1}))
    endpoint = session.scalar(select(WebhookEndpoint))
    page = as_admin.get(f"/admin/webhooks/{endpoint.id}").text
    assert 'id="disabled-notice"' in page and "1 failed deliveries in a row" in page and "turned off" in page


@pytest.mark.parametrize("role", ["manager", "shopper"])
def test_managers_and_shoppers_are_refused_every_webhook_page(client, make, world, receiver, role):
    endpoint, _ = world.endpoint(receiver.url)
    browser = Browser(client, make.user(role))
    base = f"/admin/webhooks/{endpoint.id}"
    for url in ("/admin/webhooks/", "/admin/webhooks/new", base, f"{base}/edit"):
        assert browser.get(url).status_code == 403, url
    for url in (
        "/admin/webhooks/new",
        f"{base}/ping",
        f"{base}/active",
        f"{base}/secret",
        f"{base}/deliveries/1/redeliver",
    ):
        assert browser.post(url, data={"url": "http://127.0.0.1/x"}).status_code == 403, url
    assert "Webhooks" not in browser.get("/").text


def test_an_unknown_endpoint_or_a_delivery_of_another_endpoint_is_a_404(as_admin, world, receiver, session, policy):
    register(as_admin, receiver.url)
    other, _ = world.endpoint(receiver.url + "?other")
    world.submitted_visit()
    deliver_due(session, policy)
    delivery = session.scalar(select(WebhookDelivery).where(WebhookDelivery.endpoint_id != other.id))
    assert as_admin.get("/admin/webhooks/999999").status_code == 404
    assert as_admin.post(f"/admin/webhooks/{other.id}/deliveries/{delivery.id}/redeliver").status_code == 404
    assert "Webhooks" in as_admin.get("/").text
