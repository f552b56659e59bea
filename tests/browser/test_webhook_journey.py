"""An admin in Chromium registers a webhook to a receiver on loopback, copies the secret shown once, sends a test
event, and sees a visit's approval arrive signed; the delivery log shows each, with Redeliver."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.server.webhooks.conftest import World
from tests.server.webhooks.consumer import Headers, verify
from tests.server.webhooks.receiver import Receiver

SHOTS = "/tmp/fieldaudit-webhooks"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_TIMEOUT_SECONDS": 3}


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def reload_until(page, text: str, timeout: float = 30) -> None:
    """Reload until `text` shows (the embedded queue delivers in the background)."""
    deadline = time.monotonic() + timeout
    while text not in page.content():
        assert time.monotonic() < deadline, f"{text!r} never appeared"
        time.sleep(0.3)
        page.reload()


def test_an_admin_registers_a_webhook_tests_it_and_sees_the_deliveries(page, live_server, make, session, receiver, app):
    from server.services.webhooks.deliver import DeliveryPolicy, deliver_due
    from tests.server.sync.helpers import assign

    admin, shopper = make.user("admin", name="Ada Admin"), make.user("shopper")
    world = World(session, make, admin, shopper, assign(session, make, shopper=shopper))
    sign_in(page, live_server, admin.email, PASSWORD)

    page.click("nav.sections >> text=Webhooks")
    page.click("text=New webhook")
    page.fill("#f-url", receiver.url)
    page.click("button[type=submit] >> text=Register webhook")
    assert page.locator("#event_types-error").is_visible()  # no event chosen: said beside the checkboxes
    page.check("input[value='visit.submitted']")
    page.check("input[value='visit.approved']")
    page.fill("#f-description", "Our ticketing system")
    page.click("button[type=submit] >> text=Register webhook")
    secret = page.input_value("#webhook-secret")
    assert secret.startswith("whsec_") and page.get_by_text("it is not shown again").is_visible()
    page.screenshot(path=f"{SHOTS}-secret.png", full_page=True)
    page.click("text=I have copied it")
    assert secret not in page.content()

    page.click("button >> text=Send test event")
    reload_until(page, "succeeded")
    (ping,) = receiver.wait_for(1)
    assert json.loads(ping.body)["type"] == "ping" and verify(secret, Headers(ping.headers), ping.body)

    visit = world.approve(world.submitted_visit())
    deliver_due(session, DeliveryPolicy.from_settings(app.config))
    received = receiver.wait_for(3)
    assert [json.loads(r.body)["type"] for r in received[1:]] == ["visit.submitted", "visit.approved"]
    assert all(verify(secret, Headers(r.headers), r.body) for r in received)
    assert json.loads(received[2].body)["data"]["visit"]["id"] == str(visit.id)
    page.reload()
    assert page.locator("#deliveries tbody tr").count() == 3
    page.screenshot(path=f"{SHOTS}-deliveries.png", full_page=True)

    page.locator("#deliveries tbody tr").first.locator("button >> text=Redeliver").click()
    assert page.get_by_text("will be sent again").is_visible()
    receiver.wait_for(4)
    page.click("nav.sections >> text=Webhooks")
    assert page.get_by_text("Our ticketing system").is_visible()
    page.screenshot(path=f"{SHOTS}-list.png", full_page=True)
