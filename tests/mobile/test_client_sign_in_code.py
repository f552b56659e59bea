"""Signing in with an admin's one-time code, and a TLS failure told apart from an unreachable server."""

from __future__ import annotations

import ssl
import threading

import pytest
from werkzeug.serving import make_server

from mobile.store import LocalStore
from mobile.sync import ApiClient, AuthError, NetworkError, TlsError, parse_enrolment_link, sign_in_with_code
from tests.certificates import self_signed_certificate


def test_a_scanned_link_signs_in_and_saves_the_account_like_a_password_sign_in(live_server, tmp_path):
    shopper = live_server.shopper(name="Zoë Shopper")
    enrolment = parse_enrolment_link(live_server.enrolment_link(shopper))
    store = LocalStore(tmp_path / "phone")
    account = sign_in_with_code(store, enrolment, "Pixel 8")
    assert (account.server_url, account.user_id, account.email, account.name, account.role) == (
        live_server.url,
        shopper.id,
        shopper.email,
        "Zoë Shopper",
        "shopper",
    )
    assert not store.account(account.id).needs_login
    assert ApiClient(live_server.url, account.token).me()["id"] == shopper.id
    with pytest.raises(AuthError) as caught:
        sign_in_with_code(store, enrolment, "Another phone")
    assert caught.value.reason == "code_used" and caught.value.errors["code"]
    store.close()


def test_a_plain_http_server_answering_an_https_address_is_a_tls_error_not_unreachable(live_server):
    https_url = live_server.url.replace("http://", "https://")
    with pytest.raises(TlsError) as caught:
        ApiClient(https_url).me()
    assert caught.value.reason == "not_https" and caught.value.retryable
    assert isinstance(caught.value, NetworkError)


def test_a_certificate_the_phone_cannot_verify_is_a_tls_error_naming_the_certificate(live_server, tmp_path):
    pytest.importorskip("cryptography")
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = make_server("127.0.0.1", 0, live_server.app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(TlsError) as caught:
            ApiClient(f"https://127.0.0.1:{server.server_port}").me()
        assert caught.value.reason == "certificate"
    finally:
        server.shutdown()
        thread.join(10)
