"""Fixtures for the webhook tests: loopback allowed (the receiver is on 127.0.0.1), a receiver, a small world."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import current_app

from server.models import Assignment, User, Visit
from server.services.transactions import atomic
from server.services.visits.reviews import approve_visit
from server.services.webhooks.deliver import DeliveryPolicy
from server.services.webhooks.endpoints import register_endpoint
from tests.server.sync.helpers import assign, record_and_commit, visit_doc
from tests.server.webhooks.receiver import Receiver


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "WEBHOOK_ALLOW_PRIVATE": True,
        "WEBHOOK_ALLOW_HTTP": True,
        "WEBHOOK_TIMEOUT_SECONDS": 3,
        "WEBHOOK_RETRY_BASE_SECONDS": 2,
    }


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def policy(app) -> DeliveryPolicy:
    return DeliveryPolicy.from_settings(app.config)


@dataclass
class World:
    """An admin, a shopper with an assignment at a branch, and the factories."""

    session: object
    make: object
    admin: User
    shopper: User
    assignment: Assignment

    def endpoint(self, url: str, event_types: list[str] | None = None):
        """Register an endpoint (committed): (endpoint, secret)."""
        with atomic(self.session):
            return register_endpoint(
                self.session,
                self.admin,
                url=url,
                event_types=event_types or ["visit.submitted", "visit.approved", "assignment.completed"],
                settings=current_app.config,
            )

    def submitted_visit(self, assignment: Assignment | None = None, **changes) -> Visit:
        """A visit recorded as the push records it (committed): submitted at once, no photos."""
        return record_and_commit(self.session, self.shopper, visit_doc(assignment or self.assignment, **changes))

    def new_assignment(self) -> Assignment:
        return assign(
            self.session,
            self.make,
            shopper=self.shopper,
            branch=self.assignment.branch,
            template=self.assignment.template,
        )

    def approve(self, visit: Visit) -> Visit:
        with atomic(self.session):
            return approve_visit(self.session, self.admin, self.session.get(Visit, visit.id))


@pytest.fixture
def world(session, make) -> World:
    admin, shopper = make.user("admin"), make.user("shopper")
    return World(session, make, admin, shopper, assign(session, make, shopper=shopper))
