"""The actions API: the list with the web page's filters, one action with its history, raising, changing and
commenting, each scoped by the permission rules; bad input answers 4xx naming the field."""

from __future__ import annotations

from datetime import date, timedelta

from server.models import CorrectiveAction
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import token_for

API = "/api/v1/actions"


def headers(session, user) -> dict:
    return bearer(token_for(session, user))


def test_the_list_is_scoped_and_filtered_like_the_web_page(client, world, session):
    late = world.action(title="Late", due_on=date.today() - timedelta(days=1), owner=world.manager)
    world.action(title="Later")
    elsewhere = world.action(branch=world.other_branch, actor=world.admin, title="Elsewhere")
    manager = headers(session, world.manager)
    listed = client.get(API, headers=manager)
    assert listed.status_code == 200
    assert [a["title"] for a in listed.json] == ["Late", "Later"]
    assert listed.json[0]["overdue"] is True and listed.json[1]["overdue"] is False
    assert [a["id"] for a in client.get(API, query_string={"overdue": "true"}, headers=manager).json] == [late.id]
    assert [a["id"] for a in client.get(API, query_string={"owner": "me"}, headers=manager).json] == [late.id]
    admin = headers(session, world.admin)
    by_branch = client.get(API, query_string={"branch": world.other_branch.id}, headers=admin).json
    assert [a["id"] for a in by_branch] == [elsewhere.id]
    bad = client.get(API, query_string={"status": "finished"}, headers=admin)
    assert bad.status_code == 422 and "status" in str(bad.json)
    assert client.get(API, query_string={"owner": "someone"}, headers=admin).status_code == 400
    assert client.get(API, headers=headers(session, world.shopper)).status_code == 403
    assert client.get(API).status_code == 401


def test_one_action_comes_with_its_history_and_is_404_outside_the_callers_scope(client, world, session):
    action = world.action()
    got = client.get(f"{API}/{action.id}", headers=headers(session, world.manager))
    assert got.status_code == 200
    assert got.json["status"] == "open" and [e["kind"] for e in got.json["history"]] == ["created"]
    assert client.get(f"{API}/{action.id}", headers=headers(session, world.other_manager)).status_code == 404
    assert client.get(f"{API}/999999", headers=headers(session, world.admin)).status_code == 404


def test_raising_an_action_through_the_api(client, world, session):
    manager = headers(session, world.manager)
    body = {"branch_id": world.branch.id, "title": "Fix the door", "due_on": "2027-01-31", "owner_id": world.manager.id}
    made = client.post(API, json=body, headers=manager)
    assert made.status_code == 201, made.json
    assert (made.json["title"], made.json["owner_id"], made.json["source"]) == (
        "Fix the door",
        world.manager.id,
        "manual",
    )
    assert session.get(CorrectiveAction, made.json["id"]).created_by_id == world.manager.id
    missing = client.post(API, json={"branch_id": world.branch.id, "title": "x"}, headers=manager)
    assert missing.status_code == 422 and "due_on" in str(missing.json["errors"])
    shopper_owner = client.post(API, json={**body, "owner_id": world.shopper.id}, headers=manager)
    assert shopper_owner.status_code == 400 and "owner" in shopper_owner.json["errors"]
    other_branch = client.post(
        API, json={**body, "branch_id": world.other_branch.id, "owner_id": None}, headers=manager
    )
    assert other_branch.status_code == 404
    question_alone = client.post(API, json={**body, "question_key": "clean"}, headers=manager)
    assert question_alone.status_code == 400 and "question_key" in question_alone.json["errors"]


def test_patching_moves_the_status_and_reschedules_and_comments_go_into_the_history(client, world, session):
    action = world.action()
    manager = headers(session, world.manager)
    url = f"{API}/{action.id}"
    moved = client.patch(
        url, json={"status": "in_progress", "due_on": "2027-02-01", "priority": "high"}, headers=manager
    )
    assert moved.status_code == 200, moved.json
    assert (moved.json["status"], moved.json["due_on"], moved.json["priority"]) == ("in_progress", "2027-02-01", "high")
    skipped = client.patch(url, json={"status": "verified"}, headers=manager)
    assert skipped.status_code == 400 and "status" in skipped.json["errors"]
    no_reason = client.patch(url, json={"status": "cancelled"}, headers=manager)
    assert no_reason.status_code == 400 and "reason" in no_reason.json["errors"]
    assert client.patch(url, json={}, headers=manager).status_code == 422
    commented = client.post(f"{url}/comments", json={"comment": "On it"}, headers=manager)
    assert commented.status_code == 201
    assert [e["kind"] for e in commented.json["history"]] == ["created", "due", "priority", "status", "comment"]
    assert client.post(f"{url}/comments", json={"comment": ""}, headers=manager).status_code == 422
    outsider = headers(session, world.other_manager)
    assert client.patch(url, json={"status": "done"}, headers=outsider).status_code == 404
    assert client.post(f"{url}/comments", json={"comment": "hi"}, headers=outsider).status_code == 404
    unassigned = client.patch(url, json={"owner_id": None}, headers=headers(session, world.admin))
    assert unassigned.status_code == 200 and unassigned.json["owner_id"] is None
