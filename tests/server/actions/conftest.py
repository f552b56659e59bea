"""A small world for the corrective action tests: a branch in a region with its manager (the branch contact),
a manager of another region, an admin, a shopper with an assignment, and helpers for visits and actions."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import current_app

from server.models import Assignment, Branch, CorrectiveAction, User, Visit
from server.services.actions.raising import raise_action
from server.services.photos.budgets import PhotoLimits
from server.services.transactions import atomic
from server.services.visits.record import record_revision
from server.services.visits.reviews import approve_visit, return_for_correction
from tests.factories import SMALL_CHECKLIST
from tests.server.sync.helpers import assign, record_and_commit, visit_doc

TWO_CRITICAL = copy.deepcopy(SMALL_CHECKLIST)
TWO_CRITICAL["sections"][-1]["questions"].append(
    {"key": "receipt", "text": "Receipt given?", "type": "yes_no", "critical": True, "critical_policy": "flag"}
)
FAILING = [
    {"question": "greeted", "value": "yes"},
    {"question": "clean", "value": 4},
    {"question": "price_ok", "value": "no", "comment": "Shelf said 2.99, till 3.49"},
    {"question": "receipt", "value": "no"},
]
PASSING = [
    {"question": "greeted", "value": "yes"},
    {"question": "clean", "value": 4},
    {"question": "price_ok", "value": "yes"},
    {"question": "receipt", "value": "yes"},
]


@dataclass
class World:
    session: object
    make: object
    admin: User
    manager: User
    other_manager: User
    shopper: User
    branch: Branch
    other_branch: Branch
    assignment: Assignment

    def submitted_visit(self, answers=None, assignment=None) -> Visit:
        """A visit the shopper pushed (committed), failing both critical questions unless told otherwise."""
        assignment = assignment or assign(
            self.session, self.make, shopper=self.shopper, branch=self.branch, template=self.assignment.template
        )
        return record_and_commit(self.session, self.shopper, visit_doc(assignment, answers=answers or FAILING))

    def approve(self, visit: Visit) -> Visit:
        with atomic(self.session):
            return approve_visit(self.session, self.admin, self.session.get(Visit, visit.id))

    def return_visit(self, visit: Visit) -> Visit:
        with atomic(self.session):
            return return_for_correction(self.session, self.admin, self.session.get(Visit, visit.id), "Check it")

    def correct(self, visit: Visit, answers) -> Visit:
        """The shopper's corrected revision of a returned visit (committed)."""
        document = {**visit.revisions[-1].document, "base_revision": visit.revision, "answers": answers}
        with atomic(self.session):
            limits = PhotoLimits.from_config(current_app.config)
            return record_revision(self.session, self.shopper, visit, document, limits=limits)

    def action(self, actor: User | None = None, **fields) -> CorrectiveAction:
        """An action raised by hand at the branch (committed)."""
        branch = fields.pop("branch", self.branch)
        values = {"title": "Fix the price labels", "due_on": date.today() + timedelta(days=7), **fields}
        with atomic(self.session):
            return raise_action(self.session, actor or self.manager, branch, **values)


@pytest.fixture
def world(session, make) -> World:
    region, other_region = make.region("North"), make.region("South")
    branch, other_branch = make.branch(region), make.branch(other_region)
    manager = make.user("manager", regions=[region], name="Mia Manager")
    other_manager = make.user("manager", regions=[other_region], name="Otto Other")
    branch.contact = manager
    session.commit()
    shopper = make.user("shopper")
    template = make.template(TWO_CRITICAL)
    return World(
        session,
        make,
        make.user("admin", name="Ada Admin"),
        manager,
        other_manager,
        shopper,
        branch,
        other_branch,
        assign(session, make, shopper=shopper, branch=branch, template=template),
    )
