"""Alerts through a real SMTP server: a returned visit tells its shopper with the reviewer's note; an approved visit
with a critical failure tells the managers of its region, and nobody else; a rolled-back decision sends nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import MailMessage, Visit
from server.services.mail.delivery import deliver_due
from server.services.transactions import atomic
from server.services.visits.reviews import approve_visit, return_for_correction
from tests.server.sync.helpers import assign, record_and_commit, visit_doc

FAILED_CRITICAL = [
    {"question": "greeted", "value": "yes"},
    {"question": "clean", "value": 4},
    {"question": "price_ok", "value": "no"},
]


@pytest.fixture
def world(session, make):
    admin, shopper = make.user("admin"), make.user("shopper")
    assignment = assign(session, make, shopper=shopper)
    region = assignment.branch.region
    manager = make.user("manager", regions=[region])
    away = make.user("manager", regions=[make.region()])
    gone = make.user("manager", regions=[region])
    gone.active = False
    session.commit()
    return {"admin": admin, "shopper": shopper, "assignment": assignment, "manager": manager, "away": away}


def _submitted(session, world, answers=None) -> Visit:
    doc = visit_doc(world["assignment"], **({"answers": answers} if answers else {}))
    return record_and_commit(session, world["shopper"], doc)


def test_a_returned_visit_tells_its_shopper_with_the_reviewers_note(app, session, world, smtp_server):
    visit = _submitted(session, world)
    with atomic(session):
        return_for_correction(session, world["admin"], session.get(Visit, visit.id), "Add the <receipt> total.")
    deliver_due(session, dict(app.config))
    [got] = smtp_server.wait_for(1)
    assert got.rcpt_tos == [world["shopper"].email]
    assert "needs a correction" in got.subject and visit.branch.name in got.subject
    assert "Add the <receipt> total." in got.part("plain") and "Needs correction" in got.part("plain")
    assert "Add the &lt;receipt&gt; total." in got.part("html")  # autoescaped


def test_a_critical_failure_tells_the_regions_active_managers_only(app, session, world, smtp_server):
    visit = _submitted(session, world, FAILED_CRITICAL)
    with atomic(session):
        approve_visit(session, world["admin"], session.get(Visit, visit.id))
    deliver_due(session, dict(app.config))
    [got] = smtp_server.wait_for(1)
    assert got.rcpt_tos == [world["manager"].email]  # not the other region's manager, not the deactivated one
    assert got.subject.startswith(f"Critical failure at {visit.branch.name}: a critical question")
    assert "price" in got.part("plain").lower()  # the failed question, by its text
    kinds = [m.kind for m in session.scalars(select(MailMessage))]
    assert kinds == ["critical_failure"]


def test_a_passing_approval_sends_nothing_and_a_rolled_back_return_neither(app, session, world, smtp_server):
    visit = _submitted(session, world)
    with pytest.raises(RuntimeError), atomic(session):
        return_for_correction(session, world["admin"], session.get(Visit, visit.id), "Fix it")
        raise RuntimeError("the page failed after the decision")
    session.expire_all()
    with atomic(session):
        approve_visit(session, world["admin"], session.get(Visit, visit.id))
    assert session.scalar(select(MailMessage)) is None


def test_the_alert_links_to_the_visit_when_the_public_address_is_set(app, session, world, smtp_server):
    app.config["PUBLIC_URL"] = "https://audit.example.org"
    visit = _submitted(session, world, FAILED_CRITICAL)
    with atomic(session):
        approve_visit(session, world["admin"], session.get(Visit, visit.id))
    deliver_due(session, dict(app.config))
    [got] = smtp_server.wait_for(1)
    assert f"https://audit.example.org/visits/{visit.id}" in got.part("plain")
    assert f'href="https://audit.example.org/visits/{visit.id}"' in got.part("html")
