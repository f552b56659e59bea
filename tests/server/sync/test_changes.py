"""GET /api/v1/sync/changes: each user's own view, page by page, latest state or tombstones, never a skip."""

from __future__ import annotations

import pytest

from server.models import Branch, Change
from server.services.checklists.versions import new_draft_from, publish_version
from server.services.org.organisation import OrgError, cancel_assignment, create_branch, reassign_assignment
from server.services.sync.changes import record_change
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import CHANGES, assign, pull_all, push, token_for, visit_doc


def held(changes: list[dict]) -> dict[tuple[str, str], dict]:
    """What a phone holds after applying the changes in order (tombstones remove)."""
    state: dict[tuple[str, str], dict] = {}
    for change in changes:
        key = (change["entity"], change["id"])
        if change["op"] == "delete":
            state.pop(key, None)
        else:
            state[key] = change["data"]
    return state


def test_a_shopper_pulls_their_assignment_with_its_branch_and_published_version(client, session, phone):
    first = client.get(CHANGES, headers=bearer(phone.token)).json
    assert (first["reset"], first["snapshot_complete"]) == (True, True)  # a first pull is a one-page snapshot
    changes, cursor = pull_all(client, phone.token)
    assignment, branch = phone.assignment, phone.assignment.branch
    version = assignment.template.latest_published()
    assert [(c["entity"], c["op"]) for c in changes] == [
        ("template_version", "upsert"),
        ("branch", "upsert"),
        ("assignment", "upsert"),
    ]
    state = held(changes)
    assert state[("assignment", str(assignment.id))] == {
        "id": str(assignment.id),
        "branch_id": branch.id,
        "template_id": assignment.template_id,
        "template_version_id": version.id,
        "due_from": assignment.due_from.isoformat(),
        "due_to": assignment.due_to.isoformat(),
        "status": "open",
        "notes": "",
    }
    assert state[("branch", str(branch.id))]["region"] == {
        "id": branch.region.id,
        "code": branch.region.code,
        "name": branch.region.name,
    }
    assert state[("template_version", str(version.id))]["definition"]["title"] == SMALL_CHECKLIST["title"]
    again = client.get(CHANGES, query_string={"since": cursor}, headers=bearer(phone.token)).json
    assert again == {"changes": [], "cursor": cursor, "more": False, "reset": False, "snapshot_complete": False}


def pages(client, token: str, since: str, limit: int) -> list[dict]:
    """Every page after `since`, as the phone asks for them."""
    found, cursor = [], since
    while True:
        page = client.get(CHANGES, query_string={"since": cursor, "limit": limit}, headers=bearer(token)).json
        assert len(page["changes"]) <= limit
        found.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            return found


def test_small_pages_give_the_same_state_as_one_page_without_skips_or_repeats(client, session, make, phone):
    for _ in range(3):
        assign(session, make, shopper=phone.shopper, branch=phone.assignment.branch)
    assign(session, make, shopper=phone.shopper)
    push(client, phone.token, visit_doc(phone.assignment))
    whole, _ = pull_all(client, phone.token, limit=1000)
    for limit in (1, 2, 3):
        snapshot = pages(client, phone.token, "", limit)
        sent = [(c["entity"], c["id"]) for page in snapshot for c in page["changes"]]
        assert len(sent) == len(set(sent)), "a snapshot sends each thing once"
        assert [(p["reset"], p["snapshot_complete"]) for p in snapshot if p["reset"] or p["snapshot_complete"]] == (
            [(True, False), (False, True)] if len(snapshot) > 1 else [(True, True)]
        )
        assert held([c for page in snapshot for c in page["changes"]]) == held(whole)
    _, cursor = pull_all(client, phone.token)
    for _ in range(3):
        assign(session, make, shopper=phone.shopper)
    whole_after, _ = pull_all(client, phone.token, cursor, limit=1000)
    for limit in (1, 2):
        incremental = pages(client, phone.token, cursor, limit)
        cursors = [int(page["cursor"]) for page in incremental]
        assert cursors == sorted(set(cursors)), "the cursor only moves forward"
        assert held([c for page in incremental for c in page["changes"]]) == held(whole_after)


def test_changes_made_between_pages_arrive_on_a_later_page(client, session, make, phone):
    first = client.get(CHANGES, query_string={"limit": 1}, headers=bearer(phone.token)).json
    later = assign(session, make, shopper=phone.shopper)
    rest, _ = pull_all(client, phone.token, first["cursor"], limit=1)
    assert ("assignment", str(later.id)) in held(first["changes"] + rest)
    assert held(first["changes"] + rest) == held(pull_all(client, phone.token)[0])


def test_reassignment_sends_the_old_shopper_tombstones_and_the_new_one_everything_needed(client, session, make, phone):
    _, old_cursor = pull_all(client, phone.token)
    newcomer = make.user("shopper")
    newcomer_token = token_for(session, newcomer)
    _, new_cursor = pull_all(client, newcomer_token)
    assignment = phone.assignment
    reassign_assignment(session, assignment, newcomer)
    session.commit()
    version_id = assignment.template.latest_published().id
    old_changes, _ = pull_all(client, phone.token, old_cursor)
    assert {(c["entity"], c["id"], c["op"]) for c in old_changes} == {
        ("assignment", str(assignment.id), "delete"),
        ("branch", str(assignment.branch_id), "delete"),
        ("template_version", str(version_id), "delete"),
    }
    new_state = held(pull_all(client, newcomer_token, new_cursor)[0])
    assert set(new_state) == {
        ("assignment", str(assignment.id)),
        ("branch", str(assignment.branch_id)),
        ("template_version", str(version_id)),
    }


def test_a_reassignment_keeps_what_the_old_shopper_still_needs(client, session, make, phone):
    assign(session, make, shopper=phone.shopper, branch=phone.assignment.branch, template=phone.assignment.template)
    _, cursor = pull_all(client, phone.token)
    reassign_assignment(session, phone.assignment, make.user("shopper"))
    session.commit()
    changes, _ = pull_all(client, phone.token, cursor)
    ops = {(c["entity"], c["op"]) for c in changes}
    assert ops == {("assignment", "delete"), ("branch", "upsert"), ("template_version", "upsert")}


def test_cancelling_an_assignment_sends_its_shopper_a_tombstone(client, session, make, phone):
    _, cursor = pull_all(client, phone.token)
    cancel_assignment(session, phone.assignment)
    session.commit()
    changes, _ = pull_all(client, phone.token, cursor)
    assert ("assignment", str(phone.assignment.id), "delete") in {(c["entity"], c["id"], c["op"]) for c in changes}
    assert held(pull_all(client, phone.token)[0]) == {}


def test_a_newly_published_version_replaces_the_old_one_on_the_phone(client, session, make, phone):
    _, cursor = pull_all(client, phone.token)
    old = phone.assignment.template.latest_published()
    new = publish_version(session, new_draft_from(session, old))
    session.commit()
    changes, _ = pull_all(client, phone.token, cursor)
    assert {(c["id"], c["op"]) for c in changes if c["entity"] == "template_version"} == {
        (str(old.id), "delete"),
        (str(new.id), "upsert"),
    }
    assert held(changes)[("assignment", str(phone.assignment.id))]["template_version_id"] == new.id


def test_nobody_sees_other_shoppers_or_other_regions_things(client, session, make, phone):
    north, south = make.region("North"), make.region("South")
    north_branch = create_branch(session, region=north, code="N-1", name="North one")  # records its change
    mine = assign(session, make, shopper=phone.shopper, branch=north_branch)
    stranger = make.user("shopper")
    theirs = assign(session, make, shopper=stranger, branch=make.branch(south))
    push(client, token_for(session, stranger), visit_doc(theirs))
    create_branch(session, region=south, code="S-NEW", name="New south branch")
    record_change(session, "visit", "00000000-0000-0000-0000-000000000000", "delete", audience=stranger.id)
    session.commit()
    mine_ids = {str(mine.id), str(mine.branch_id), str(phone.assignment.id), str(phone.assignment.branch_id)}
    shopper_ids = {c["id"] for c in pull_all(client, phone.token)[0] if c["entity"] != "template_version"}
    assert shopper_ids == mine_ids
    _, cursor = pull_all(client, phone.token)
    create_branch(session, region=north, code="N-2", name="North two")  # a branch of the region, not of mine
    assign(session, make, shopper=stranger, branch=north_branch)
    assert pull_all(client, phone.token, cursor)[0] == []
    manager = make.user("manager", regions=[north])
    manager_changes, _ = pull_all(client, token_for(session, manager))
    manager_ids = {(c["entity"], c["id"]) for c in manager_changes if c["entity"] != "template_version"}
    north_two = session.query(Branch).filter_by(code="N-2").one()
    assert manager_ids == {("branch", str(mine.branch_id)), ("branch", str(north_two.id))}  # never an assignment


def test_an_admin_pulls_every_assignment_but_no_shoppers_visits(client, session, make, phone):
    push(client, phone.token, visit_doc(phone.assignment))
    other = assign(session, make)
    admin_token = token_for(session, make.user("admin"))
    changes, cursor = pull_all(client, admin_token)
    assert {(c["entity"], c["id"]) for c in changes if c["entity"] in ("assignment", "visit")} == {
        ("assignment", str(phone.assignment.id)),
        ("assignment", str(other.id)),
    }
    later = assign(session, make)
    cancel_assignment(session, other)
    session.commit()
    assert {
        (c["entity"], c["id"], c["op"]) for c in pull_all(client, admin_token, cursor)[0] if c["entity"] == "assignment"
    } == {("assignment", str(later.id), "upsert"), ("assignment", str(other.id), "delete")}


@pytest.mark.parametrize(
    "query, field",
    [
        ({"since": "abc"}, "since"),
        ({"since": "-1"}, "since"),
        ({"since": "9" * 25}, "since"),
        ({"since": "1.5"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"since": "\x00"}, "since"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_422_naming_it(client, phone, query, field):
    response = client.get(CHANGES, query_string=query, headers=bearer(phone.token))
    assert response.status_code == 422 and field in response.json["errors"]


def test_pulling_needs_a_token(client):
    assert client.get(CHANGES).status_code == 401


def test_a_pushed_visit_reaches_the_shoppers_other_device_and_nobody_elses(client, session, make, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    other_device = token_for(session, phone.shopper)
    state = held(pull_all(client, other_device)[0])
    visit = state[("visit", doc["id"])]
    assert (visit["revision"], visit["status"], visit["score_percent"], visit["missing_photos"]) == (
        1,
        "submitted",
        87.5,
        [],
    )
    assert visit["document"]["answers"][0] == {"question": "greeted", "value": "yes", "na": False, "comment": ""}
    assert state[("assignment", str(phone.assignment.id))]["status"] == "submitted"
    for outsider in (
        make.user("shopper"),
        make.user("manager", regions=[phone.assignment.branch.region]),
        make.user("admin"),
    ):
        seen = {(c["entity"], c["id"]) for c in pull_all(client, token_for(session, outsider))[0]}
        assert ("visit", doc["id"]) not in seen


def test_only_open_assignments_are_cancelled_or_reassigned_and_only_to_shoppers(client, session, make, phone):
    with pytest.raises(OrgError) as not_a_shopper:
        reassign_assignment(session, phone.assignment, make.user("manager"))
    assert not_a_shopper.value.field == "shopper"
    push(client, phone.token, visit_doc(phone.assignment))
    session.expire_all()
    for change in (lambda a: cancel_assignment(session, a), lambda a: reassign_assignment(session, a, make.user())):
        with pytest.raises(OrgError) as visited:
            change(phone.assignment)
        assert visited.value.field == "assignment" and "submitted" in visited.value.message
    other = assign(session, make)
    cancel_assignment(session, other)
    before = session.query(Change).count()
    cancel_assignment(session, other)  # twice is harmless and records nothing more
    assert session.query(Change).count() == before
