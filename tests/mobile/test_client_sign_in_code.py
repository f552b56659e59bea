"""Signing in with an admin's one-time code, and a TLS failure told apart from an unreachable server."""

from __future__ import annotations

import datetime
import ssl
import threading

import pytest
from werkzeug.serving import make_server

from mobile.store import LocalStore
from mobile.sync import ApiClient, AuthError, NetworkError, TlsError, parse_enrolment_link, sign_in_with_code


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


def _self_signed(folder):
    """A certificate for 127.0.0.1 signed by nobody the phone trusts (cert and key files)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_a_certificate_the_phone_cannot_verify_is_a_tls_error_naming_the_certificate(live_server, tmp_path):
    pytest.importorskip("cryptography")
    cert, key = _self_signed(tmp_path)
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
