"""Fixtures for the sync tests: a shopper with a token and an assignment made through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.server.sync.helpers import assign, token_for


@dataclass
class Phone:
    """A shopper, their bearer token and one open assignment."""

    shopper: object
    token: str
    assignment: object


@pytest.fixture
def phone(make, session) -> Phone:
    shopper = make.user("shopper")
    assignment = assign(session, make, shopper=shopper)
    return Phone(shopper, token_for(session, shopper), assignment)
