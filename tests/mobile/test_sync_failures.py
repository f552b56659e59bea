"""Failures on the way: retried with backoff when they may pass (network, 5xx), never when the server said no (4xx);
an expired token stops the sync with everything kept."""

from __future__ import annotations

import pytest

from mobile.store import VisitState
from tests.mobile.world import make_world


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path)


def test_network_errors_and_5xx_are_retried_and_nothing_is_duplicated(world):
    phone, server = world.phone, world.server
    phone.faults.fail("GET", "/sync/changes", "status", status=503)
    phone.faults.fail("GET", "/sync/changes", "drop_before")
    assert phone.sync().ok
    visit_id = phone.complete_visit(world.assignment_id)
    phone.faults.fail("POST", "/sync/push", "drop_after")  # stored, but the answer is lost
    phone.faults.fail("POST", "/sync/push", "status", status=502)
    phone.faults.fail("PUT", "/photos/", "drop_after")  # chunk stored, answer lost
    phone.faults.fail("HEAD", "/photos/", "status", status=500)
    result = phone.sync()
    assert result.ok, result
    assert all(fault.times == 0 for fault in phone.faults.faults)
    assert result.retries >= 4 and len(phone.waits) >= 4
    assert len(phone.faults.calls("POST", "/sync/push")) == 3
    assert server.count("Visit") == 1 and server.count("VisitRevision") == 1 and server.count("Photo") == 1
    assert server.visit(visit_id)["status"] == "submitted"
    assert phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_when_the_network_stays_down_the_sync_stops_and_keeps_the_outbox(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    phone.faults.fail("POST", "/sync/push", "drop_before", times=100)
    result = phone.sync()
    assert not result.ok and result.errors and "reach the server" in result.errors[0]
    assert len(phone.faults.calls("POST", "/sync/push")) == 4  # bounded attempts
    assert phone.shop.drafts.visit(visit_id).state is VisitState.OUTBOX
    assert server.count("Visit") == 0
    phone.faults.faults.clear()
    assert phone.sync().ok and phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_a_4xx_is_not_retried_and_its_message_and_field_errors_are_kept(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    phone.faults.fail(
        "POST",
        "/sync/push",
        "status",
        status=422,
        body={"status": 422, "message": "The push body is malformed.", "errors": {"visits.0.answers": ["Not a list."]}},
    )
    result = phone.sync()
    assert not result.ok and result.failed == [visit_id]
    assert len(phone.faults.calls("POST", "/sync/push")) == 1 and phone.waits == []
    visit = phone.shop.drafts.visit(visit_id)
    assert visit.state is VisitState.ERROR and visit.last_error == "The push body is malformed."
    assert visit.field_errors == {"visits.0.answers": ["Not a list."]}
    assert phone.sync().pushed == 0  # refused visits wait for the user
    phone.shop.drafts.requeue(visit_id)
    assert phone.sync().ok and phone.shop.drafts.visit(visit_id).state is VisitState.SENT
    assert server.count("Visit") == 1


def test_a_visit_the_server_finds_invalid_is_kept_with_its_field_errors(world):
    from server.models import Assignment, AssignmentStatus

    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    with server.ctx():
        import uuid

        server.session.get(Assignment, uuid.UUID(world.assignment_id)).status = AssignmentStatus.CANCELLED
        server.session.commit()
    result = phone.sync()
    assert result.invalid == [visit_id] and len(phone.faults.calls("POST", "/sync/push")) == 1
    visit = phone.shop.drafts.visit(visit_id)
    assert visit.state is VisitState.INVALID and visit.last_error
    assert "assignment_id" in visit.field_errors
    assert phone.shop.drafts.visit_document(visit_id)["answers"]  # nothing lost
    assert server.count("Visit") == 0


def test_an_expired_token_stops_the_sync_with_a_clear_message_and_keeps_everything(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    server.expire_tokens(phone.shopper)
    result = phone.sync()
    assert result.needs_login and "expired" in result.auth_error
    assert phone.shop.account.needs_login and phone.shop.account.token_problem == "token_expired"
    assert phone.shop.drafts.visit(visit_id).state is VisitState.OUTBOX
    assert len(phone.faults.calls("GET", "/sync/changes")) == 2  # no retry of the 401
    assert phone.sync().needs_login  # no call at all until signed in again
    assert len(phone.faults.calls("GET", "/sync/changes")) == 2
    phone.sign_in_again()
    result = phone.sync()
    assert result.ok and phone.shop.drafts.visit(visit_id).state is VisitState.SENT
    assert server.visit(visit_id)["status"] == "submitted"
