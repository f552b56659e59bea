"""Assignments: the admin lists and filters them, schedules one or a whole region (shoppers in turn), cancels and
reassigns; the shoppers' phones learn of each change at their next sync."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.models import Assignment, AssignmentStatus
from tests.server.auth_helpers import csrf_token, web_login
from tests.server.sync.helpers import pull_all

DUE = {"due_from": "2026-12-01", "due_to": "2026-12-14"}


@pytest.fixture
def admin(client, world):
    """The admin, signed in."""
    web_login(client, world.people["admin"].email)
    return world


def post(client, url, **data):
    page = client.get("/assignments/")
    return client.post(url, data={**data, "csrf_token": csrf_token(page.text)})


def open_for(session, shopper):
    return session.scalars(
        select(Assignment).where(Assignment.shopper_id == shopper.id, Assignment.status == AssignmentStatus.OPEN)
    ).all()


def test_scheduling_one_visit_creates_the_assignment_and_the_shopper_pulls_it(client, session, admin):
    _, cursor = pull_all(client, admin.tokens["bob"])
    response = post(
        client,
        "/assignments/",
        branch=admin.branches["n1"].id,
        shopper=admin.people["bob"].id,
        template=admin.template.id,
        notes="Ask about the loyalty card",
        **DUE,
    )
    assert response.status_code == 302
    [made] = [a for a in open_for(session, admin.people["bob"]) if a.notes == "Ask about the loyalty card"]
    assert (made.branch_id, made.due_from, made.due_to) == (
        admin.branches["n1"].id,
        date(2026, 12, 1),
        date(2026, 12, 14),
    )
    changes, _ = pull_all(client, admin.tokens["bob"], cursor)
    assert ("assignment", str(made.id), "upsert") in {(c["entity"], c["id"], c["op"]) for c in changes}


def test_a_schedule_with_missing_or_backwards_fields_says_which_and_creates_nothing(client, session, admin):
    before = len(session.scalars(select(Assignment)).all())
    response = post(
        client,
        "/assignments/",
        branch="",
        shopper=admin.people["nora"].id,
        template=admin.template.id,
        due_from="2026-12-10",
        due_to="2026-12-01",
    )
    assert response.status_code == 422
    assert "Choose a branch." in response.text and "Choose a shopper." in response.text
    assert "must end on or after its first day" in response.text
    assert len(session.scalars(select(Assignment)).all()) == before


def test_scheduling_a_region_gives_every_active_branch_one_visit_with_shoppers_in_turn(client, session, make, admin):
    north = admin.regions["north"]
    make.branch(north, code="N-003", name="Canal Side")
    make.branch(north, code="N-004", name="Closed Branch", active=False)
    before = {a.id for a in session.scalars(select(Assignment))}
    response = post(
        client,
        "/assignments/bulk",
        region=north.id,
        template=admin.template.id,
        shoppers=[admin.people["ann"].id, admin.people["bob"].id],
        **DUE,
    )
    assert response.status_code == 302
    made = sorted((a for a in session.scalars(select(Assignment)) if a.id not in before), key=lambda a: a.branch.code)
    assert [(a.branch.code, a.shopper.name) for a in made] == [
        ("N-001", "Ann Shopper"),
        ("N-002", "Bob Shopper"),
        ("N-003", "Ann Shopper"),
    ]
    assert {(a.due_from, a.due_to, a.status) for a in made} == {
        (date(2026, 12, 1), date(2026, 12, 14), AssignmentStatus.OPEN)
    }


def test_bulk_scheduling_without_shoppers_is_refused(client, session, admin):
    before = len(session.scalars(select(Assignment)).all())
    response = post(client, "/assignments/bulk", region=admin.regions["north"].id, template=admin.template.id, **DUE)
    assert response.status_code == 422 and "Choose one or more shoppers." in response.text
    assert len(session.scalars(select(Assignment)).all()) == before


def test_cancelling_sends_the_shopper_a_tombstone(client, session, admin):
    post(
        client,
        "/assignments/",
        branch=admin.branches["n2"].id,
        shopper=admin.people["ann"].id,
        template=admin.template.id,
        **DUE,
    )
    [assignment] = open_for(session, admin.people["ann"])
    _, cursor = pull_all(client, admin.tokens["ann"])
    assert post(client, f"/assignments/{assignment.id}/cancel").status_code == 302
    session.expire_all()
    assert assignment.status is AssignmentStatus.CANCELLED
    changes, _ = pull_all(client, admin.tokens["ann"], cursor)
    assert ("assignment", str(assignment.id), "delete") in {(c["entity"], c["id"], c["op"]) for c in changes}


def test_reassigning_moves_the_work_from_one_phone_to_the_other(client, session, admin):
    post(
        client,
        "/assignments/",
        branch=admin.branches["n2"].id,
        shopper=admin.people["ann"].id,
        template=admin.template.id,
        **DUE,
    )
    [assignment] = open_for(session, admin.people["ann"])
    _, ann_cursor = pull_all(client, admin.tokens["ann"])
    _, bob_cursor = pull_all(client, admin.tokens["bob"])
    response = post(client, f"/assignments/{assignment.id}/reassign", shopper=admin.people["bob"].id, f_status="open")
    assert response.status_code == 302 and response.headers["Location"] == "/assignments/?status=open"
    session.expire_all()
    assert assignment.shopper_id == admin.people["bob"].id
    ann, _ = pull_all(client, admin.tokens["ann"], ann_cursor)
    bob, _ = pull_all(client, admin.tokens["bob"], bob_cursor)
    assert ("assignment", str(assignment.id), "delete") in {(c["entity"], c["id"], c["op"]) for c in ann}
    assert ("assignment", str(assignment.id), "upsert") in {(c["entity"], c["id"], c["op"]) for c in bob}


def test_an_assignment_already_done_cannot_be_cancelled(client, session, admin):
    done = admin.good.assignment
    response = post(client, f"/assignments/{done.id}/cancel")
    assert response.status_code == 302
    assert "only open assignments" in client.get("/assignments/").text
    session.expire_all()
    assert done.status is AssignmentStatus.DONE


def test_the_list_filters_by_region_status_and_shopper(client, session, admin):
    today = date.today()
    for key, who in (("n1", "ann"), ("s1", "bob")):
        post(
            client,
            "/assignments/",
            branch=admin.branches[key].id,
            shopper=admin.people[who].id,
            template=admin.template.id,
            due_from=today.isoformat(),
            due_to=(today + timedelta(days=3)).isoformat(),
        )
    north = listed(client, region=admin.regions["north"].id)
    assert "N-001" in north and "S-001" not in north
    bob = listed(client, shopper=admin.people["bob"].id)
    assert "S-001" in bob and "N-001" not in bob
    done = listed(client, status="done")
    assert '<span class="badge">done</span>' in done and '<span class="badge">open</span>' not in done
    assert 'value="done" selected' in client.get("/assignments/", query_string={"status": "done"}).text


def listed(client, **filters) -> str:
    """The assignments table of the list page (the forms below it name every branch)."""
    page = client.get("/assignments/", query_string=filters).text
    return page[page.index('id="assignments"') : page.index("</table>", page.index('id="assignments"'))]
