"""The outbox: each event is written in the transaction of the change it tells of, by the service that makes it;
a rolled-back change writes none; a committed one is handed to the queue at once and reaches the receiver."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.models import Visit, WebhookEvent
from server.services.transactions import atomic
from server.services.visits.reviews import approve_visit, reject_visit, return_for_correction
from server.services.webhooks.outbox import COMMITTED
from tests.server.auth_helpers import bearer
from tests.server.photos.factories import make_photo_visit, put
from tests.server.sync.helpers import push, token_for, visit_doc


def events(session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(e.type, e.object_id) for e in session.scalars(select(WebhookEvent).order_by(WebhookEvent.seq))]


def test_a_visit_recorded_without_photos_writes_its_submitted_event(world, session):
    visit = world.submitted_visit()
    assert events(session) == [("visit.submitted", str(visit.id))]
    (event,) = session.scalars(select(WebhookEvent))
    assert event.data["visit"]["status"] == "submitted" and event.version == 1 and event.body is None


def test_a_visit_awaiting_photos_writes_its_submitted_event_only_when_its_last_photo_arrives(session, make, client):
    visit = make_photo_visit(make, session)
    assert events(session) == []
    first, last = visit.photos
    assert put(client, visit, first).status_code in (200, 201)
    assert events(session) == []
    assert put(client, visit, last).status_code in (200, 201)
    assert events(session) == [("visit.submitted", visit.id)]
    (event,) = session.scalars(select(WebhookEvent))
    assert event.data["visit"]["status"] == "submitted"


def test_each_review_decision_writes_its_events_in_its_own_transaction(world, session):
    approved, rejected, returned = (world.submitted_visit(world.new_assignment()) for _ in range(3))
    before = len(events(session))
    with atomic(session):
        approve_visit(session, world.admin, session.get(Visit, approved.id))
    with atomic(session):
        reject_visit(session, world.admin, session.get(Visit, rejected.id), "Not our branch")
    with atomic(session):
        return_for_correction(session, world.admin, session.get(Visit, returned.id), "Add the till photo")
    assert events(session)[before:] == [
        ("visit.approved", str(approved.id)),
        ("assignment.completed", str(approved.assignment_id)),
        ("visit.rejected", str(rejected.id)),
        ("assignment.completed", str(rejected.assignment_id)),
        ("visit.returned", str(returned.id)),
    ]
    note = session.scalar(select(WebhookEvent).where(WebhookEvent.type == "visit.returned")).data["visit"][
        "review_note"
    ]
    assert note == "Add the till photo"


def test_an_approved_visit_with_a_critical_failure_also_writes_a_critical_failure_event(world, session):
    answers = [
        {"question": "greeted", "value": "yes"},
        {"question": "clean", "value": 4},
        {"question": "price_ok", "value": "no"},
    ]
    visit = world.approve(world.submitted_visit(answers=answers))
    assert [kind for kind, _ in events(session)] == [
        "visit.submitted",
        "visit.approved",
        "critical_failure",
        "assignment.completed",
        "action.created",  # the corrective action raised for the failed question (services/actions/raising.py)
    ]
    failure = session.scalar(select(WebhookEvent).where(WebhookEvent.type == "critical_failure"))
    assert failure.object_id == str(visit.id)
    assert failure.data["failed_questions"] == [{"key": "price_ok", "section": "till"}]


def test_a_change_rolled_back_after_its_event_was_added_leaves_no_event(world, session):
    visit = world.submitted_visit()
    session.info.pop(COMMITTED, None)  # that commit's own hand-over (no request here to take it)
    before = session.scalar(select(func.count()).select_from(WebhookEvent))
    with pytest.raises(RuntimeError), atomic(session):
        approve_visit(session, world.admin, session.get(Visit, visit.id))
        session.flush()  # the event row is written...
        raise RuntimeError("...and the transaction fails afterwards")
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == before
    assert session.get(Visit, visit.id).status.value == "submitted"
    assert COMMITTED not in session.info  # nothing for the queue either


def test_a_pushed_visit_reaches_the_receiver_through_the_queue_right_after_its_commit(
    world, session, client, receiver, app
):
    world.endpoint(receiver.url, ["visit.submitted"])
    doc = visit_doc(world.new_assignment())
    assert push(client, token_for(session, world.shopper), doc)[0]["result"] == "created"
    assert app.extensions["job_queue"].wait_idle(60)
    (request,) = receiver.wait_for(1)
    body = json.loads(request.body)
    assert body["type"] == "visit.submitted" and body["data"]["visit"]["id"] == doc["id"]


def test_a_retried_push_of_the_same_visit_writes_no_second_event(world, session, client):
    doc, token = visit_doc(world.new_assignment()), token_for(session, world.shopper)
    assert [r["result"] for r in push(client, token, doc)] == ["created"]
    assert [r["result"] for r in push(client, token, doc)] == ["unchanged"]
    assert events(session) == [("visit.submitted", doc["id"])]
    assert bearer(token)  # the token stayed valid throughout


def test_events_committed_outside_a_request_are_sent_by_the_periodic_run(world, session, receiver, app):
    from server.queue import current_queue
    from server.services.jobs.schedule import start_due_jobs

    world.endpoint(receiver.url, ["visit.submitted"])
    visit = world.submitted_visit()  # a CLI or a job: no request edge to start the delivery at once
    assert receiver.received == []
    started = start_due_jobs(session, current_queue(), app.config)
    assert "webhook_deliveries" in {job.kind for job in started}
    assert app.extensions["job_queue"].wait_idle(60)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["data"]["visit"]["id"] == str(visit.id)
