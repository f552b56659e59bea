"""Server test fixtures shared across folders: a real S3 HTTP endpoint (moto's server mode) started once per session,
and a real SMTP server (aiosmtpd) per test."""

from __future__ import annotations

import pytest

from tests.s3_endpoint import S3Endpoint, moto_server
from tests.smtp_server import SmtpServer


@pytest.fixture(scope="session")
def s3_endpoint() -> S3Endpoint:
    """moto's S3 server in a process of its own on a free loopback port, for the whole session (~1 s to start)."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    """A fresh, empty bucket on the session's S3 endpoint."""
    return s3_endpoint.new_bucket()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port for one test; see tests/smtp_server.py."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
