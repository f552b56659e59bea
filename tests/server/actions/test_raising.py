"""Raising actions: automatically once per failed critical question of an approved visit, and by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.models import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    Activity,
    CorrectiveAction,
    Visit,
    VisitStatus,
    WebhookEvent,
)
from server.models.types import utcnow
from server.services.actions.raising import CRITICAL_FAILURE_DUE_DAYS, finding_key
from server.services.errors import NotAllowed, ServiceError
from server.services.webhooks.outbox import complete_data
from tests.server.actions.conftest import FAILING, PASSING


def actions(session) -> list[CorrectiveAction]:
    session.expire_all()
    return list(session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.question_key)))


def test_approving_a_visit_that_failed_critical_questions_raises_one_action_per_question_for_the_branch_contact(
    world, session
):
    visit = world.approve(world.submitted_visit())
    price, receipt = actions(session)
    assert (price.question_key, receipt.question_key) == ("price_ok", "receipt")
    for action in (price, receipt):
        assert action.visit_id == visit.id and action.branch_id == world.branch.id
        assert action.owner_id == world.manager.id and action.created_by_id == world.admin.id
        assert (action.status, action.source, action.priority) == (
            ActionStatus.OPEN,
            ActionSource.CRITICAL_FAILURE,
            ActionPriority.HIGH,
        )
        assert action.due_on == utcnow().date() + timedelta(days=CRITICAL_FAILURE_DUE_DAYS)
        assert [(e.kind, e.to_value) for e in action.events] == [("created", "open")]
    assert price.title == "Critical failure: Price matched?"
    assert "Shelf said 2.99, till 3.49" in price.description
    assert price.finding_key == finding_key(ActionSource.CRITICAL_FAILURE, visit, "price_ok")
    types = session.scalars(select(WebhookEvent.type).order_by(WebhookEvent.seq)).all()
    assert types.count("action.created") == 2
    created = session.scalars(select(WebhookEvent).where(WebhookEvent.type == "action.created")).first()
    named = complete_data(session, created.data)["action"]
    assert (named["branch"]["code"], named["region"]["name"], named["source"]) == (
        world.branch.code,
        "North",
        "critical_failure",
    )
    assert named["checklist"]["version_id"] == visit.template_version_id and named["visit_id"] == str(visit.id)
    logged = session.scalars(select(Activity.action).where(Activity.object_type == "action")).all()
    assert logged == ["action_created", "action_created"]


def test_a_visit_that_passed_every_critical_question_raises_no_action(world, session):
    world.approve(world.submitted_visit(PASSING))
    assert actions(session) == []


def test_a_branch_without_a_contact_gets_unassigned_automatic_actions(world, session):
    world.branch.contact = None
    session.commit()
    world.approve(world.submitted_visit())
    assert [action.owner_id for action in actions(session)] == [None, None]


def test_a_contact_who_no_longer_manages_the_region_is_not_made_the_owner(world, session):
    world.manager.regions = []
    session.commit()
    world.approve(world.submitted_visit())
    assert [action.owner_id for action in actions(session)] == [None, None]


def test_approving_the_same_visit_again_raises_no_second_action(world, session):
    visit = world.approve(world.submitted_visit())
    first = [(a.id, a.question_key) for a in actions(session)]
    stored = session.get(Visit, visit.id)
    stored.status = VisitStatus.SUBMITTED  # reviewed again, as if the decision had been reopened
    session.commit()
    world.approve(stored)
    assert [(a.id, a.question_key) for a in actions(session)] == first
    assert all(len(a.events) == 1 for a in actions(session))


def test_a_corrected_revision_that_still_fails_raises_no_second_action(world, session):
    visit = world.approve(world.submitted_visit())
    first = [a.id for a in actions(session)]
    stored = session.get(Visit, visit.id)
    stored.status = VisitStatus.RETURNED  # its finding already raised; the shopper corrects the visit anyway
    session.commit()
    corrected = world.correct(session.get(Visit, visit.id), FAILING)
    assert corrected.revision == 2
    world.approve(corrected)
    assert [a.id for a in actions(session)] == first


def test_a_returned_and_corrected_visit_raises_its_actions_once_when_it_is_finally_approved(world, session):
    visit = world.submitted_visit()
    world.return_visit(visit)
    only_price = [dict(answer) for answer in PASSING]
    only_price[2] = {"question": "price_ok", "value": "no"}
    world.approve(world.correct(session.get(Visit, visit.id), only_price))
    assert [a.question_key for a in actions(session)] == ["price_ok"]


def test_the_database_refuses_a_second_action_for_the_same_finding(world, session):
    world.approve(world.submitted_visit())
    price = actions(session)[0]
    session.add(
        CorrectiveAction(
            title="Duplicate",
            branch_id=price.branch_id,
            due_on=date.today(),
            finding_key=price.finding_key,
            source=ActionSource.CRITICAL_FAILURE,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_a_manager_raises_an_action_by_hand_from_an_answer_of_a_visit(world, session):
    visit = world.approve(world.submitted_visit(PASSING))
    action = world.action(visit=session.get(Visit, visit.id), question_key="clean", owner=str(world.manager.id))
    assert (action.source, action.finding_key, action.question_key) == (ActionSource.MANUAL, None, "clean")
    assert action.owner_id == world.manager.id and action.created_by_id == world.manager.id
    again = world.action(visit=session.get(Visit, visit.id), question_key="clean")
    assert again.id != action.id  # by hand, the same answer may have several actions


def test_an_action_raised_by_hand_needs_a_title_and_a_date_and_a_question_of_the_visit(world, session):
    visit = world.approve(world.submitted_visit(PASSING))
    cases = [
        ({"title": "  "}, "title"),
        ({"due_on": "next week"}, "due_on"),
        ({"priority": "urgent"}, "priority"),
        ({"visit": session.get(Visit, visit.id), "question_key": "nope"}, "question_key"),
        ({"question_key": "clean"}, "question_key"),
        ({"owner": str(world.shopper.id)}, "owner"),
        ({"owner": str(world.other_manager.id)}, "owner"),
    ]
    for fields, field in cases:
        with pytest.raises(ServiceError) as refused:
            world.action(**fields)
        assert refused.value.field == field, fields
    assert session.scalar(select(func.count()).select_from(CorrectiveAction)) == 0


def test_a_visit_of_another_branch_cannot_be_named(world, session, make):
    other = make.branch(world.branch.region)
    visit = world.approve(world.submitted_visit(PASSING))
    with pytest.raises(ServiceError) as refused:
        world.action(branch=other, visit=session.get(Visit, visit.id))
    assert refused.value.field == "visit"


def test_shoppers_and_managers_of_other_regions_cannot_raise_actions(world):
    for actor in (world.shopper, world.other_manager):
        with pytest.raises(NotAllowed):
            world.action(actor=actor)
