"""SSRF: endpoints on loopback, private, link-local, multicast or reserved addresses are refused, at registration and
again at delivery (DNS can change), IPv4 and IPv6, unless FIELDAUDIT_WEBHOOK_ALLOW_PRIVATE; https unless ALLOW_HTTP."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from server.models import DeliveryStatus, WebhookDelivery
from server.services.errors import ServiceError
from server.services.transactions import atomic
from server.services.webhooks.addresses import AddressRefused, check_url
from server.services.webhooks.deliver import DeliveryPolicy, deliver_due
from server.services.webhooks.endpoints import register_endpoint

STRICT = {"WEBHOOK_ALLOW_PRIVATE": False, "WEBHOOK_ALLOW_HTTP": False}


def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.8.9.10:8443/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.5/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[fc00::1]/hook",
        "https://[ff02::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
    ],
)
def test_a_url_whose_host_is_not_a_public_address_is_refused_naming_the_url(url):
    with pytest.raises(AddressRefused) as refused:
        check_url(url, STRICT)
    assert refused.value.field == "url" and "FIELDAUDIT_WEBHOOK_ALLOW_PRIVATE" in refused.value.message


def test_a_name_resolving_to_any_private_address_is_refused():
    def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(AddressRefused, match="10.0.0.7"):
        check_url("https://hooks.example.org/x", STRICT, mixed)
    assert check_url(" https://hooks.example.org/x ", STRICT, public) == "https://hooks.example.org/x"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.org/x", "FIELDAUDIT_WEBHOOK_ALLOW_HTTP"),
        ("ftp://hooks.example.org/x", "full URL"),
        ("hooks.example.org/x", "full URL"),
        ("", "Enter the URL"),
        ("https://user:pw@hooks.example.org/x", "passwords"),
        ("https://hooks.example.org:99999/x", "not a valid URL"),
        ("https://" + "a" * 2000 + ".org", "at most 2000"),
    ],
)
def test_other_bad_urls_are_refused_with_a_reason(url, words):
    with pytest.raises(AddressRefused, match=words) as refused:
        check_url(url, STRICT, public)
    assert refused.value.field == "url"


def test_the_settings_let_loopback_and_plain_http_through():
    assert check_url("http://127.0.0.1:8000/hook", {"WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_ALLOW_HTTP": True})
    with pytest.raises(AddressRefused, match="ALLOW_HTTP"):
        check_url("http://127.0.0.1:8000/hook", {"WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_ALLOW_HTTP": False})
    with pytest.raises(AddressRefused, match="ALLOW_PRIVATE"):
        check_url("http://127.0.0.1:8000/hook", {"WEBHOOK_ALLOW_PRIVATE": False, "WEBHOOK_ALLOW_HTTP": True})


def test_registering_a_loopback_endpoint_is_refused_when_private_hosts_are_not_allowed(world, session):
    with pytest.raises(ServiceError) as refused, atomic(session):
        register_endpoint(
            session,
            world.admin,
            url="https://localhost/hook",
            event_types=["visit.submitted"],
            settings={**current_app.config, **STRICT},
        )
    assert refused.value.as_errors().keys() == {"url"}


def test_a_delivery_to_a_host_that_now_resolves_to_loopback_is_refused_at_delivery_time(
    world, session, receiver, app, monkeypatch
):
    world.endpoint(receiver.url)  # registered while allowed (the receiver is on loopback)
    world.submitted_visit()
    strict = DeliveryPolicy.from_settings({**app.config, "WEBHOOK_ALLOW_PRIVATE": False})
    deliver_due(session, strict)
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.status is DeliveryStatus.RETRYING and delivery.response_code is None
    assert "127.0.0.1" in delivery.error and "loopback" in delivery.error
    assert receiver.received == []
