"""A first pull is a snapshot of what the phone may hold now; every page costs a fixed handful of statements."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, or_, select, update

from server.models import Change, Visit, VisitStatus
from server.models.types import utcnow
from server.services.checklists.versions import new_draft_from, publish_version
from server.services.org.edit import edit_branch, set_branch_active
from server.services.org.organisation import cancel_assignment, create_branch, reassign_assignment
from server.services.sync.pull import changes_page, parse_cursor
from server.services.sync.snapshot import VISIT_WINDOW_DAYS
from server.services.visits.reviews import approve_visit, return_for_correction
from tests.server.auth_helpers import bearer
from tests.server.photos.factories import make_photo_visit, put
from tests.server.sync.helpers import CHANGES, assign, pull_all, push, token_for, visit_doc
from tests.statements import count_statements


def ids(changes: list[dict], entity: str) -> set[str]:
    return {c["id"] for c in changes if c["entity"] == entity}


def pushed(client, session, phone_token, assignment) -> Visit:
    doc = visit_doc(assignment)
    push(client, phone_token, doc)
    return session.get(Visit, uuid.UUID(doc["id"]))


def test_a_first_pull_holds_what_the_phone_may_hold_now_not_the_history(client, session, make, phone):
    admin, shopper, template = make.user("admin"), phone.shopper, phone.assignment.template
    cancelled = assign(session, make, shopper=shopper, template=template)
    cancel_assignment(session, cancelled)
    old, recent, returned, waiting = (assign(session, make, shopper=shopper, template=template) for _ in range(4))
    old_visit, recent_visit = pushed(client, session, phone.token, old), pushed(client, session, phone.token, recent)
    returned_visit = pushed(client, session, phone.token, returned)
    waiting_visit = pushed(client, session, phone.token, waiting)
    session.expire_all()  # the pushes ran in the server's own sessions
    for visit in (old_visit, recent_visit):
        approve_visit(session, admin, visit)
    return_for_correction(session, admin, returned_visit, "Add a comment.")
    session.execute(
        update(Visit)
        .where(Visit.id == old_visit.id)
        .values(submitted_at=utcnow() - timedelta(days=VISIT_WINDOW_DAYS + 1))
    )
    session.commit()
    pinned = template.latest_published()
    newer = publish_version(session, new_draft_from(session, pinned))  # the returned visit keeps its version
    gone = assign(session, make, shopper=shopper, template=template)
    set_branch_active(session, admin, gone.branch, False)
    stranger = assign(session, make, template=template)

    changes, cursor = pull_all(client, phone.token)
    assert all(c["op"] == "upsert" for c in changes)
    assert ids(changes, "assignment") == {str(a.id) for a in (phone.assignment, returned, waiting, gone)}
    assert ids(changes, "visit") == {str(v.id) for v in (recent_visit, returned_visit, waiting_visit)}
    assert ids(changes, "branch") == {str(a.branch_id) for a in (phone.assignment, recent, returned, waiting)}
    assert ids(changes, "template_version") == {str(newer.id), str(pinned.id)}
    returned_change = next(c for c in changes if c["id"] == str(returned_visit.id))
    assert returned_change["data"]["status"] == "returned" and returned_change["data"]["document"]["answers"]
    assert str(stranger.id) not in ids(changes, "assignment")
    assert int(cursor) == session.scalar(select(Change.seq).order_by(Change.seq.desc()).limit(1))


def test_managers_get_the_branches_of_their_regions_and_published_versions_only(client, session, make, phone):
    region = phone.assignment.branch.region
    other = create_branch(session, region=make.region(), code="ELSEWHERE", name="Elsewhere")
    manager = make.user("manager", regions=[region])
    changes, _ = pull_all(client, token_for(session, manager))
    assert {c["entity"] for c in changes} == {"branch", "template_version"}
    assert ids(changes, "branch") == {str(phone.assignment.branch_id)} and str(other.id) not in ids(changes, "branch")


def test_a_snapshot_names_the_newest_published_version_in_one_page_or_many(client, session, make, phone):
    old = phone.assignment.template.latest_published()
    new = publish_version(session, new_draft_from(session, old))
    other = assign(session, make, shopper=phone.shopper)  # another checklist, one version
    for limit in (500, 1):
        changes, _ = pull_all(client, phone.token, limit=limit)
        named = {c["id"]: c["data"]["template_version_id"] for c in changes if c["entity"] == "assignment"}
        assert named == {str(phone.assignment.id): new.id, str(other.id): other.template.latest_published().id}, limit


def test_a_snapshot_cursor_the_server_never_handed_out_is_a_422(client, phone):
    for since in (
        "s1.9.",
        "s1.0.abc",
        "s1.2.12",
        "s1.0.0",
        "s" + "9" * 25 + ".0.",
        "s1.3.0F8FAD5B-D9CB-469F-A165-70867728950E",
    ):
        response = client.get(CHANGES, query_string={"since": since}, headers=bearer(phone.token))
        assert response.status_code == 422 and "since" in response.json["errors"], since


def everything_changes(client, session, make, phone) -> None:
    """One change of every kind the phone receives: assignment, visit, branch, published version."""
    admin = make.user("admin")
    extra = assign(session, make, shopper=phone.shopper, template=phone.assignment.template)
    pushed(client, session, phone.token, extra)
    edit_branch(session, admin, phone.assignment.branch, {"code": "EDITED", "name": "Edited", "address": "1 Road"})
    publish_version(session, new_draft_from(session, phone.assignment.template.latest_published()))


def others_fill_the_log(session, make, rows: int) -> None:
    """A log full of rows meant for other users: their assignments and visits, another region's branches."""
    stranger, far = make.user("shopper"), make.branch(make.region())
    template = make.template()
    session.add(make.assignment(shopper=stranger, branch=far, template=template))
    session.flush()
    batch = []
    for n in range(rows):
        kind = n % 3
        batch.append(
            {
                "entity": ("assignment", "visit", "branch")[kind],
                "entity_id": str(uuid.uuid4()) if kind < 2 else str(far.id),
                "op": "upsert",
                "audience_user_id": stranger.id if kind < 2 else None,
                "audience_region_id": far.region_id if kind == 2 else None,
            }
        )
    if batch:
        session.execute(insert(Change), batch)
    session.commit()


def page_costs(session, user, limit: int = 3) -> dict[str, int]:
    """Statements of: a snapshot's first page, a later snapshot page, its last page, and an incremental page."""
    costs, cursor, seen = {}, None, 0
    while True:
        with count_statements() as statements:
            page = changes_page(session, user, cursor, limit)
        session.rollback()
        name = "first" if cursor is None else ("last" if page.snapshot_complete else "middle")
        costs[name] = max(costs.get(name, 0), statements.count)
        cursor, seen = parse_cursor(page.cursor), seen + 1
        if page.snapshot_complete:
            return costs


@pytest.mark.parametrize("other_rows", [0, 3000])
def test_every_page_costs_at_most_ten_statements_whatever_the_log_holds(client, session, make, phone, other_rows):
    for _ in range(4):
        pushed(client, session, phone.token, assign(session, make, shopper=phone.shopper))
    others_fill_the_log(session, make, other_rows)
    costs = page_costs(session, phone.shopper)
    assert set(costs) == {"first", "middle", "last"} and max(costs.values()) <= 10, costs
    _, cursor = pull_all(client, phone.token)
    everything_changes(client, session, make, phone)
    others_fill_the_log(session, make, other_rows)
    user = session.get(type(phone.shopper), phone.shopper.id)  # loaded, as a request's sign-in has it
    with count_statements() as statements:
        page = changes_page(session, user, int(cursor), 1000)
    assert {c["entity"] for c in page.changes} == {"assignment", "visit", "branch", "template_version"}
    assert statements.count <= 10, str(statements)
    assert not page.more


def http_page_costs(client, token: str, since: str = "", limit: int = 3) -> list[int]:
    """Statements of every page request of a pull over HTTP, bearer sign-in included."""
    costs, cursor = [], since
    while True:
        with count_statements() as statements:
            page = client.get(CHANGES, query_string={"since": cursor, "limit": limit}, headers=bearer(token))
        assert page.status_code == 200, page.json
        costs.append(statements.count)
        cursor = page.json["cursor"]
        if not page.json["more"]:
            return costs


@pytest.mark.parametrize("other_rows", [0, 3000])
def test_every_page_over_http_costs_at_most_ten_statements_sign_in_included(client, session, make, phone, other_rows):
    for _ in range(4):
        pushed(client, session, phone.token, assign(session, make, shopper=phone.shopper))
    others_fill_the_log(session, make, other_rows)
    first_use = token_for(session, phone.shopper)  # its first page also records the token's use
    with count_statements() as whole:
        response = client.get(CHANGES, headers=bearer(first_use))
    assert response.status_code == 200 and response.json["snapshot_complete"]
    assert whole.count <= 9, str(whole)  # sign-in 2 (token with user, last use) + the page 7
    assert max(http_page_costs(client, token_for(session, phone.shopper))) <= 10
    _, cursor = pull_all(client, phone.token)
    everything_changes(client, session, make, phone)
    others_fill_the_log(session, make, other_rows)
    with count_statements() as incremental:
        page = client.get(CHANGES, query_string={"since": cursor, "limit": 1000}, headers=bearer(first_use))
    assert {c["entity"] for c in page.json["changes"]} == {"assignment", "visit", "branch", "template_version"}
    assert incremental.count <= 10, str(incremental)


def test_the_cost_of_a_page_does_not_grow_with_other_users_rows(client, session, make, phone):
    for _ in range(3):
        pushed(client, session, phone.token, assign(session, make, shopper=phone.shopper))
    _, cursor = pull_all(client, phone.token)
    everything_changes(client, session, make, phone)
    counts = []
    for other_rows in (0, 2000):
        others_fill_the_log(session, make, other_rows)
        with count_statements() as statements:
            page = changes_page(session, phone.shopper, int(cursor), 1000)
        session.rollback()
        counts.append((statements.count, len(page.changes), page_costs(session, phone.shopper)))
    assert counts[0] == counts[1]


def test_no_change_row_is_addressed_to_nobody(client, session, make, phone):
    admin = make.user("admin")
    region = phone.assignment.branch.region
    branch = create_branch(session, region=region, code="NEW-1", name="New one")
    edit_branch(session, admin, branch, {"code": "NEW-1", "name": "Renamed", "address": ""})
    set_branch_active(session, admin, branch, False)
    reassign_assignment(session, assign(session, make, shopper=phone.shopper), make.user("shopper"))
    cancel_assignment(session, assign(session, make, shopper=phone.shopper))
    visit = make_photo_visit(make, session, shopper=phone.shopper)
    for photo in visit.photos:
        assert put(client, visit, photo).status_code in (200, 201)
    approve_visit(session, admin, session.get(Visit, uuid.UUID(visit.id)))
    session.commit()
    returned = pushed(client, session, phone.token, phone.assignment)
    session.expire_all()
    return_for_correction(session, admin, returned, "Again please.")
    publish_version(session, new_draft_from(session, phone.assignment.template.latest_published()))
    session.commit()
    session.expire_all()
    assert session.get(Visit, uuid.UUID(visit.id)).status is VisitStatus.APPROVED
    entities = set(session.scalars(select(Change.entity)))
    assert {"assignment", "visit", "branch", "template_version"} <= entities
    nobody = session.scalars(
        select(Change).where(
            Change.audience_user_id.is_(None),
            Change.audience_region_id.is_(None),
            or_(Change.entity != "template_version"),
        )
    ).all()
    assert [(c.entity, c.entity_id) for c in nobody] == []
    photo_rows = session.scalars(select(Change).where(Change.entity == "visit", Change.entity_id == visit.id)).all()
    assert photo_rows and all(c.audience_user_id == phone.shopper.id for c in photo_rows)
