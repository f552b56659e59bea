"""Sign-in is rate-limited per client address and per email, on the web form and the API alike."""
from __future__ import annotations

import pytest

from tests.server.auth_helpers import api_login, web_login

LIMIT = 3


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}


def test_the_web_login_answers_429_with_a_readable_message_after_too_many_attempts(client, make):
    user = make.user()
    for _ in range(LIMIT):
        assert web_login(client, user.email, "wrong password here").status_code == 200
    response = web_login(client, user.email)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert 'name="email"' in response.text, "the form is shown again"
    assert client.get("/").status_code == 302, "even the right password is refused while limited"


def test_viewing_the_login_page_does_not_count_as_an_attempt(client, make):
    for _ in range(LIMIT * 3):
        assert client.get("/login").status_code == 200
    assert web_login(client, make.user().email).status_code == 302


def test_the_api_token_endpoint_answers_429_in_json_after_too_many_attempts(client, make):
    user = make.user()
    for _ in range(LIMIT):
        assert api_login(client, user.email, "wrong password here").status_code == 401
    response = api_login(client, user.email)
    assert response.status_code == 429
    assert response.json["status"] == 429
    assert "Too many sign-in attempts" in response.json["message"]


def test_web_and_api_attempts_share_one_budget(client, make):
    user = make.user()
    for _ in range(LIMIT - 1):
        web_login(client, user.email, "wrong password here")
    api_login(client, user.email, "wrong password here")
    assert api_login(client, user.email).status_code == 429


def test_one_email_is_limited_even_from_many_addresses(client, make):
    user = make.user()
    for n in range(LIMIT):
        response = client.post("/api/v1/auth/tokens", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                               json={"email": user.email, "password": "wrong password here"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/tokens", environ_base={"REMOTE_ADDR": "10.0.0.99"},
                           json={"email": user.email.upper(), "password": "wrong password here"})
    assert response.status_code == 429


def test_one_address_is_limited_even_when_it_tries_many_emails(client, make):
    for n in range(LIMIT):
        assert api_login(client, f"guess{n}@example.test", "wrong password here").status_code == 401
    assert api_login(client, make.user().email).status_code == 429
