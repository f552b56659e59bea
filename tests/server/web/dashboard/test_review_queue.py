"""The review queue: submitted visits oldest first, awaiting-photo visits apart; each decision recorded with who
and when, a note required to return or reject, the next visit opened, and the shopper's phone told."""

from __future__ import annotations

import pytest

from server.models import AssignmentStatus, VisitStatus
from tests.server.auth_helpers import csrf_token, web_login
from tests.server.sync.helpers import pull_all
from tests.server.web.dashboard.world import FAILED, PNG


@pytest.fixture
def queue(world, client):
    """Three submitted visits (n1 oldest, then n2, then s1) and one still awaiting its photo; the admin signed in."""
    world.first = world.visit("n1", FAILED, days_ago=2, approve=False)
    world.second = world.visit("n2", days_ago=9, shopper="bob", approve=False)
    world.third = world.visit("s1", days_ago=1, shopper="bob", approve=False)
    world.waiting = world.visit("n2", days_ago=1, photo=PNG, upload=False, approve=False)
    web_login(client, world.people["admin"].email)
    return world


def decide(client, visit, decision, note=""):
    page = client.get(f"/review/visits/{visit.id}")
    return client.post(
        f"/review/visits/{visit.id}", data={"decision": decision, "note": note, "csrf_token": csrf_token(page.text)}
    )


def test_the_queue_lists_submitted_visits_oldest_submission_first_and_awaiting_photos_apart(client, queue):
    page = client.get("/review/").text
    submitted = page[page.index('id="submitted"') : page.index("Awaiting photos")]
    links = [submitted.index(f"/review/visits/{v.id}") for v in (queue.first, queue.second, queue.third)]
    assert links == sorted(links)
    awaiting = page[page.index("Awaiting photos") :]
    assert str(queue.waiting.id) in awaiting and str(queue.waiting.id) not in submitted
    assert str(queue.good.id) not in page  # approved visits are not in the queue
    assert f'id="start-review" href="/review/visits/{queue.first.id}"' in page


def test_returning_a_visit_records_who_when_and_the_note_and_opens_the_next(client, session, queue):
    response = decide(client, queue.first, "return", "Please add the receipt photo")
    assert response.status_code == 302 and response.headers["Location"] == f"/review/visits/{queue.second.id}"
    session.expire_all()
    assert queue.first.status is VisitStatus.RETURNED
    assert queue.first.review_note == "Please add the receipt photo"
    assert queue.first.reviewed_by_id == queue.people["admin"].id and queue.first.reviewed_at is not None
    history = client.get(f"/visits/{queue.first.id}").text
    assert "Returned for correction" in history and "Please add the receipt photo" in history


def test_the_shoppers_phone_sees_the_returned_visit_with_its_note_at_the_next_sync(client, session, queue):
    _, cursor = pull_all(client, queue.tokens["ann"])
    decide(client, queue.first, "return", "Wrong branch photo")
    changes, _ = pull_all(client, queue.tokens["ann"], cursor)
    [visit] = [c for c in changes if c["entity"] == "visit"]
    assert visit["id"] == str(queue.first.id)
    assert (visit["data"]["status"], visit["data"]["review_note"]) == ("returned", "Wrong branch photo")
    bob_changes, _ = pull_all(client, queue.tokens["bob"], cursor)
    assert str(queue.first.id) not in {c["id"] for c in bob_changes}


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_returning_or_rejecting_without_a_note_is_refused_and_changes_nothing(client, session, queue, decision):
    response = decide(client, queue.first, decision, "   ")
    assert response.status_code == 422 and 'class="field-error"' in response.text
    session.expire_all()
    assert queue.first.status is VisitStatus.SUBMITTED and queue.first.reviewed_at is None


def test_approving_closes_the_assignment_and_rejecting_records_the_reason(client, session, queue):
    assert decide(client, queue.first, "approve").status_code == 302
    assert decide(client, queue.second, "reject", "Visited the wrong branch").status_code == 302
    session.expire_all()
    assert queue.first.status is VisitStatus.APPROVED and queue.first.assignment.status is AssignmentStatus.DONE
    assert queue.second.status is VisitStatus.REJECTED and queue.second.review_note == "Visited the wrong branch"


def test_after_the_last_decision_the_queue_says_it_is_empty(client, queue):
    for visit in (queue.first, queue.second):
        decide(client, visit, "approve")
    response = decide(client, queue.third, "approve")
    assert response.headers["Location"] == "/review/"
    assert "The review queue is empty." in client.get("/review/").text


def test_a_visit_already_decided_cannot_be_decided_again(client, session, queue):
    decide(client, queue.first, "approve")
    page = client.get(f"/review/visits/{queue.first.id}").text
    assert "only submitted visits can be decided on" in page and 'name="decision"' not in page
    response = client.post(
        f"/review/visits/{queue.first.id}", data={"decision": "reject", "note": "x", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 422
    session.expire_all()
    assert queue.first.status is VisitStatus.APPROVED


def test_an_unknown_decision_is_refused(client, queue):
    assert decide(client, queue.first, "delete").status_code == 422


def test_the_review_page_shows_the_whole_visit_and_its_place_in_the_queue(client, queue):
    page = client.get(f"/review/visits/{queue.second.id}").text
    assert "visit 2 of 3" in page and "Harbour Street" in page and "Greeted on arrival?" in page
