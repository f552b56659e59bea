"""Fixtures for the dashboard, visit, review and assignment page tests."""

from __future__ import annotations

import pytest

from tests.server.web.dashboard.world import FAILED, PNG, build


@pytest.fixture
def world(make, session, client):
    """North (N-001 with three approved visits, one failed and photographed; N-002 with one) and South (S-001)."""
    world = build(make, session, client)
    world.good = world.visit("n1", days_ago=20)
    world.failed = world.visit("n1", FAILED, days_ago=10, photo=PNG, lat_shift=0.01)
    world.visit("n1", days_ago=3)
    world.visit("n2", days_ago=7, shopper="bob")
    world.south = world.visit("s1", days_ago=4, shopper="bob", photo=PNG)
    return world
