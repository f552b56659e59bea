"""Cached roll-ups never outlive a change: the dashboard, the scores API and the PDFs share one cache keyed by the
marks of the regions they read, so an approval, a photo arriving, a branch edit or move shows on the very next
request, while changes that cannot move a region (another region's, a push not yet approved) leave it warm."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.models import Visit, VisitStatus
from server.services import scores
from server.services.org.edit import edit_branch
from server.services.visits.reviews import approve_visit
from tests.server.auth_helpers import bearer, web_login
from tests.server.sync.helpers import token_for
from tests.server.web.dashboard.world import PNG


def _approved_visits(client, region_id: int) -> int:
    page = client.get(f"/dashboard/?region={region_id}").text
    return int(re.search(r'<span class="number">(\d+)</span><span class="label">Approved visits', page).group(1))


def test_a_visit_approved_after_a_cached_page_counts_on_the_next_page(app, client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    assert _approved_visits(client, north.id) == 4
    waiting = world.visit("n2", approve=False)
    assert _approved_visits(client, north.id) == 4
    hits = app.extensions["rollup_cache"].hits
    assert _approved_visits(client, north.id) == 4 and app.extensions["rollup_cache"].hits > hits
    approve_visit(session, world.people["admin"], waiting)
    session.commit()
    assert _approved_visits(client, north.id) == 5


def test_a_visit_whose_last_photo_arrives_and_is_approved_counts_on_the_next_page(client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    visit = world.visit("n2", photo=PNG, upload=False, approve=False)
    assert _approved_visits(client, north.id) == 4
    photo = visit.photos[0]
    response = client.put(
        f"/api/v1/visits/{visit.id}/photos/{photo.id}",
        data=PNG,
        headers={**bearer(world.tokens["ann"]), "Content-Type": "image/png"},
    )
    assert response.status_code in (200, 201), response.text
    session.expire_all()
    assert _approved_visits(client, north.id) == 4
    approve_visit(session, world.people["admin"], visit)
    session.commit()
    assert _approved_visits(client, north.id) == 5


def test_the_scores_api_shares_the_cache_and_sees_an_approval_at_once(app, client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    _approved_visits(client, north.id)
    cache = app.extensions["rollup_cache"]
    token = token_for(session, world.people["nora"])
    hits = cache.hits
    league = client.get(f"/api/v1/scores/regions/{north.id}/league", headers=bearer(token)).json
    assert league["visits"] == 4
    waiting = world.visit("n1", approve=False)
    approve_visit(session, world.people["admin"], waiting)
    session.commit()
    assert client.get(f"/api/v1/scores/regions/{north.id}/league", headers=bearer(token)).json["visits"] == 5
    assert cache.hits >= hits


def test_a_renamed_branch_shows_its_new_name_in_the_next_league(client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    assert "Harbour Street" in client.get(f"/dashboard/?region={north.id}").text
    branch = world.branches["n2"]
    edit_branch(
        session,
        world.people["admin"],
        branch,
        {
            "code": branch.code,
            "name": "Harbour Quay",
            "address": branch.address,
            "latitude": branch.latitude,
            "longitude": branch.longitude,
        },
    )
    session.commit()
    page = client.get(f"/dashboard/?region={north.id}").text
    assert "Harbour Quay" in page and "Harbour Street" not in page


def test_a_session_with_uncommitted_writes_computes_afresh_and_caches_nothing(app, session, world):
    north = world.regions["north"]
    scope = scores.make_scope(session)
    cache = app.extensions["rollup_cache"]
    assert any(s.name == "Harbour Street" for s in scores.region_league(session, north, scope).standings)
    world.branches["n2"].name = "Not saved"
    kept = len(cache)
    assert any(s.name == "Not saved" for s in scores.region_league(session, north, scope).standings)
    assert len(cache) == kept
    session.rollback()
    assert any(s.name == "Harbour Street" for s in scores.region_league(session, north, scope).standings)


def _misses(app, client, region_id: int) -> int:
    """Roll-ups a dashboard request had to compute (0: every one came from the cache)."""
    cache = app.extensions["rollup_cache"]
    before = cache.misses
    assert client.get(f"/dashboard/?region={region_id}").status_code == 200
    return cache.misses - before


def _edit(session, world, key: str, **fields) -> None:
    branch = world.branches[key]
    edit_branch(
        session,
        world.people["admin"],
        branch,
        {
            "code": branch.code,
            "name": branch.name,
            "address": branch.address,
            "latitude": branch.latitude,
            "longitude": branch.longitude,
            **fields,
        },
    )
    session.commit()


def test_changes_that_cannot_move_a_region_leave_its_dashboard_warm(app, client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    shown = _approved_visits(client, north.id)
    world.visit("s1")  # another region's visit, pushed and approved
    world.visit("n1", approve=False)  # this region's push and its assignment, not approved yet
    _edit(session, world, "s1", name="Southside Arcade")  # another region's branch
    assert _misses(app, client, north.id) == 0
    assert _approved_visits(client, north.id) == shown


def test_a_branch_moving_region_moves_the_dashboards_of_both(app, client, session, world):
    north, south = world.regions["north"], world.regions["south"]
    web_login(client, world.people["admin"].email)
    before = _approved_visits(client, north.id), _approved_visits(client, south.id)
    moving = sum(
        1
        for v in session.scalars(select(Visit).where(Visit.branch_id == world.branches["n2"].id))
        if v.status is VisitStatus.APPROVED
    )
    world.branches["n2"].region = south
    session.commit()
    assert moving and _misses(app, client, north.id) > 0 and _misses(app, client, south.id) > 0
    assert (_approved_visits(client, north.id), _approved_visits(client, south.id)) == (
        before[0] - moving,
        before[1] + moving,
    )


def test_a_visit_returned_after_approval_leaves_the_next_page(client, session, world):
    north = world.regions["north"]
    visit = world.visit("n1")
    web_login(client, world.people["nora"].email)
    shown = _approved_visits(client, north.id)
    visit.status = VisitStatus.RETURNED  # no service returns an approved visit: any ORM write is seen all the same
    session.commit()
    assert _approved_visits(client, north.id) == shown - 1
