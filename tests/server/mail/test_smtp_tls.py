"""STARTTLS, implicit TLS and SMTP sign-in against a real aiosmtpd server with a test certificate: a certificate the
system does not trust is refused (the message waits for a retry), one it trusts carries the message."""

from __future__ import annotations

import ssl

import pytest
from sqlalchemy import select

from server.models import MailMessage, MailStatus
from server.services.mail import smtp as smtp_module
from server.services.mail.delivery import deliver_due
from server.services.mail.outbox import queue_mail
from server.services.transactions import atomic
from tests.certificates import self_signed_certificate
from tests.smtp_server import SmtpServer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(certificate file, key file) of a self-signed certificate for 127.0.0.1."""
    return self_signed_certificate(tmp_path_factory.mktemp("smtp-tls"))


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trust(monkeypatch, certificate):
    """Make the test certificate one the client trusts (as a real CA-signed one is), verification still on."""
    monkeypatch.setattr(smtp_module, "tls_context", lambda: ssl.create_default_context(cafile=certificate[0]))


def _send_through(app, session, server, **settings):
    server.start()
    try:
        with atomic(session):
            queue_mail(session, ["ana@example.test"], "Over TLS", "body", "<p>body</p>", kind="test")
        counts = deliver_due(session, {**app.config, **server.config(), **settings})
    finally:
        server.stop()
    return counts, session.scalar(select(MailMessage))


class Accept:
    """aiosmtpd authenticator: one user name and password."""

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == b"fieldaudit" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)


def test_starttls_refuses_a_certificate_nobody_vouches_for(app, session, certificate):
    server = SmtpServer(tls_context=_server_context(certificate), require_starttls=True)
    counts, message = _send_through(app, session, server, SMTP_SECURITY="starttls")
    assert counts["retrying"] == 1 and message.status is MailStatus.QUEUED
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error or "SSLCertVerificationError" in message.last_error
    assert server.messages == []


def test_starttls_with_a_trusted_certificate_and_a_password_delivers(app, session, certificate, trust):
    server = SmtpServer(
        tls_context=_server_context(certificate), require_starttls=True, authenticator=Accept(), auth_required=True
    )
    counts, message = _send_through(
        app, session, server, SMTP_SECURITY="starttls", SMTP_USERNAME="fieldaudit", SMTP_PASSWORD="s3cret"
    )
    assert counts["sent"] == 1 and message.status is MailStatus.SENT
    [got] = server.messages
    assert got.subject == "Over TLS"


def test_a_wrong_smtp_password_is_an_error_the_admin_sees_without_the_password(app, session, certificate, trust):
    server = SmtpServer(
        tls_context=_server_context(certificate), require_starttls=True, authenticator=Accept(), auth_required=True
    )
    counts, message = _send_through(
        app,
        session,
        server,
        SMTP_SECURITY="starttls",
        SMTP_USERNAME="fieldaudit",
        SMTP_PASSWORD="wrong-one",
        SMTP_TIMEOUT=2,
    )
    assert counts["retrying"] == 1 and message.status is MailStatus.QUEUED and server.messages == []
    assert message.last_error.startswith("SMTP") and "wrong-one" not in message.last_error


def test_implicit_tls_with_a_trusted_certificate_delivers(app, session, certificate, trust):
    server = SmtpServer(ssl_context=_server_context(certificate))
    counts, message = _send_through(app, session, server, SMTP_SECURITY="tls")
    assert counts["sent"] == 1 and [m.subject for m in server.messages] == ["Over TLS"]
