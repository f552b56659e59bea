"""Fixtures for the job tests: the two-region API world, and waiting for the embedded queue to run what it took."""

from __future__ import annotations

import pytest

from tests.server.scores.api_world import build


@pytest.fixture
def api(session, make):
    return build(session, make)


@pytest.fixture
def drain(app):
    """Wait until the embedded queue's threads have run every submitted job (fails the test after 60 s)."""
    queue = app.extensions["job_queue"]

    def wait() -> None:
        assert queue.wait_idle(60), "the embedded queue's jobs did not finish within 60 s"

    yield wait
    queue.close()
