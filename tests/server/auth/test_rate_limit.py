"""The per-address flood limit on sign-in POSTs (successes count too), with Retry-After on its 429."""

from __future__ import annotations

import pytest

from tests.server.auth_helpers import api_login, web_login

LIMIT = 3


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}


def test_the_web_login_answers_429_with_a_readable_message_and_retry_after_when_one_address_floods(client, make):
    user = make.user()
    for _ in range(LIMIT):
        assert web_login(client, user.email, "wrong password here").status_code == 200
    response = web_login(client, user.email)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Too many sign-in attempts" in response.text
    assert 'name="email"' in response.text, "the form is shown again"
    assert client.get("/").status_code == 302, "even the right password is refused while limited"


def test_viewing_the_login_page_does_not_count_as_an_attempt(client, make):
    for _ in range(LIMIT * 3):
        assert client.get("/login").status_code == 200
    assert web_login(client, make.user().email).status_code == 302


def test_the_api_token_endpoint_answers_429_in_json_with_retry_after(client, make):
    user = make.user()
    for _ in range(LIMIT):
        assert api_login(client, user.email, "wrong password here").status_code == 401
    response = api_login(client, user.email)
    assert response.status_code == 429
    assert response.json["status"] == 429
    assert "Too many sign-in attempts" in response.json["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_web_and_api_attempts_share_one_budget(client, make):
    user = make.user()
    for _ in range(LIMIT - 1):
        web_login(client, user.email, "wrong password here")
    api_login(client, user.email, "wrong password here")
    assert api_login(client, user.email).status_code == 429


def test_one_address_is_limited_even_when_it_tries_many_emails(client, make):
    for n in range(LIMIT):
        assert api_login(client, f"guess{n}@example.test", "wrong password here").status_code == 401
    assert api_login(client, make.user().email).status_code == 429


def test_other_addresses_are_not_limited_by_one_address_flooding(client, make, app):
    user = make.user()
    for _ in range(LIMIT + 1):
        api_login(client, user.email)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert (
        other.post(
            "/api/v1/auth/tokens", json={"email": user.email, "password": "correct horse battery staple"}
        ).status_code
        == 201
    )


def test_the_enrolment_endpoint_shares_the_sign_in_budget(client, make):
    for _ in range(LIMIT):
        assert client.post("/api/v1/auth/enrolments", json={"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 401
    response = client.post("/api/v1/auth/enrolments", json={"code": "ABCD-EFGH-JKMN-PQRS"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert api_login(client, make.user().email).status_code == 429
