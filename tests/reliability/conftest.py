"""Fixtures for the reliability suite: the real server as a separate process, on each supported database."""

from __future__ import annotations

import pytest

from tests.reliability.server_process import ServerProcess


@pytest.fixture
def server_process(database_url, tmp_path):
    """`fieldaudit run` (gunicorn, one worker) on a free port, on this test's SQLite file or PostgreSQL schema."""
    server = ServerProcess(database_url, tmp_path / "server")
    yield server
    server.stop()
