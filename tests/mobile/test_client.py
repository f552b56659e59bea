"""ApiClient against the real server: sign-in, typed errors with the server's message and reason, no network."""

from __future__ import annotations

import socket

import pytest

from mobile.store import LocalStore
from mobile.sync import (
    ApiClient,
    AuthError,
    ClientError,
    NetworkError,
    ServerError,
    login,
    normalise_server_url,
    sign_in,
    sign_out,
)
from tests.mobile.live import PASSWORD


def test_login_returns_a_token_that_works_for_me(live_server):
    shopper = live_server.shopper()
    issued = login(live_server.url, shopper.email, PASSWORD, "Pixel 8")
    assert issued.token.startswith("fa_") and issued.user_id == shopper.id and issued.role == "shopper"
    assert issued.expires_at is not None and issued.expires_at.tzinfo is not None
    me = ApiClient(live_server.url, issued.token).me()
    assert me["email"] == shopper.email and me["scope"] == "own"


def test_a_wrong_password_is_an_auth_error_with_the_servers_message(live_server):
    shopper = live_server.shopper()
    with pytest.raises(AuthError) as caught:
        login(live_server.url, shopper.email, "not the password", "Pixel 8")
    assert caught.value.status == 401 and "incorrect" in caught.value.message


def test_an_account_with_a_second_factor_is_asked_for_its_code_and_signs_in_with_it(live_server):
    import time

    from server.services.accounts.mfa import code_for

    shopper = live_server.shopper()
    secret = live_server.enrol_second_factor(shopper)
    with pytest.raises(AuthError) as caught:
        login(live_server.url, shopper.email, PASSWORD, "Pixel 8")
    assert caught.value.reason == "otp_required" and "code" in caught.value.message
    with pytest.raises(AuthError) as caught:
        login(live_server.url, shopper.email, PASSWORD, "Pixel 8", otp="000000")
    assert caught.value.reason == "otp_invalid"
    issued = login(live_server.url, shopper.email, PASSWORD, "Pixel 8", otp=code_for(secret, int(time.time()) // 30))
    assert issued.user_id == shopper.id


def test_an_expired_token_is_an_auth_error_naming_the_reason(live_server):
    shopper = live_server.shopper()
    client = ApiClient(live_server.url)
    client.login(shopper.email, PASSWORD, "Pixel 8")
    live_server.expire_tokens(shopper)
    with pytest.raises(AuthError) as caught:
        client.me()
    assert caught.value.reason == "token_expired" and "expired" in caught.value.message
    with pytest.raises(AuthError) as caught:
        ApiClient(live_server.url).me()
    assert caught.value.reason == "token_missing"


def test_a_4xx_is_a_client_error_with_field_errors(live_server):
    with pytest.raises(ClientError) as caught:
        ApiClient(live_server.url).login("", "x", "Pixel 8")
    assert caught.value.status == 422 and "email" in caught.value.errors
    assert not isinstance(caught.value, AuthError) and not caught.value.retryable


def test_no_server_listening_is_a_network_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        ApiClient(f"http://127.0.0.1:{port}", timeout=(1, 1)).me()
    assert caught.value.retryable


def test_a_5xx_is_a_retryable_server_error(live_server, monkeypatch):
    import server.api.account as account_api

    shopper = live_server.shopper()
    token = login(live_server.url, shopper.email, PASSWORD, "x").token
    monkeypatch.setattr(account_api, "scope_of", lambda user: 1 / 0)
    with pytest.raises(ServerError) as caught:
        ApiClient(live_server.url, token).me()
    assert caught.value.status == 500 and caught.value.retryable


def test_the_server_address_is_normalised():
    assert normalise_server_url(" audit.example.org/ ") == "https://audit.example.org"
    assert normalise_server_url("http://10.0.2.2:5000") == "http://10.0.2.2:5000"
    with pytest.raises(ValueError):
        normalise_server_url("  ")


def test_sign_in_saves_the_account_and_sign_out_revokes_the_token(live_server, tmp_path):
    shopper = live_server.shopper(name="Zoë Shopper")
    store = LocalStore(tmp_path / "phone")
    account = sign_in(store, live_server.url, shopper.email, PASSWORD, "Pixel 8")
    assert (account.user_id, account.email, account.name, account.role) == (
        shopper.id,
        shopper.email,
        "Zoë Shopper",
        "shopper",
    )
    token = account.token
    again = sign_in(store, live_server.url, shopper.email, PASSWORD, "Pixel 8")
    assert again.id == account.id and again.token != token
    sign_out(store, account.id)
    assert store.account(account.id).needs_login
    with pytest.raises(AuthError) as caught:
        ApiClient(live_server.url, again.token).me()
    assert caught.value.reason == "token_revoked"
    store.close()
