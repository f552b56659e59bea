"""Fixtures for the e-mail tests: an app that sends through the test's real SMTP server, and waiting for the
embedded queue to run the delivery jobs the requests submitted."""

from __future__ import annotations

import pytest

from tests.server.actions.conftest import world  # noqa: F401 - the actions' small world, for their alerts


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config()}


@pytest.fixture
def drain(app):
    """Wait until the embedded queue's threads have run every submitted job (fails the test after 60 s)."""
    queue = app.extensions["job_queue"]

    def wait() -> None:
        assert queue.wait_idle(60), "the embedded queue's jobs did not finish within 60 s"

    return wait


def mail_config(app) -> dict:
    """The settings the delivery job reads (the app's own config)."""
    return dict(app.config)
