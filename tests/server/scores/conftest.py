"""Fixtures of the score tests: a ScoreWorld to record scored visits in, and a March scope to read them with."""

from __future__ import annotations

import pytest

from server.services.scores import make_scope
from tests.server.scores.world import MARCH, ScoreWorld


@pytest.fixture
def world(make, session):
    return ScoreWorld(make, session)


@pytest.fixture
def scope(session):
    return make_scope(session, *MARCH)
