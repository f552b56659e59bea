"""Cached roll-ups never outlive a change: the dashboard, the scores API and the PDFs share one cache keyed by the
newest change row, so an approval, a photo arriving or a branch edit shows on the very next request."""
from __future__ import annotations

import re

from server.services import scores
from server.services.org_edit import edit_branch
from server.services.reviews import approve_visit
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
    assert _approved_visits(client, north.id) == 5


def test_a_visit_whose_last_photo_arrives_and_is_approved_counts_on_the_next_page(client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    visit = world.visit("n2", photo=PNG, upload=False, approve=False)
    assert _approved_visits(client, north.id) == 4
    photo = visit.photos[0]
    response = client.put(f"/api/v1/visits/{visit.id}/photos/{photo.id}", data=PNG,
                          headers={**bearer(world.tokens["ann"]), "Content-Type": "image/png"})
    assert response.status_code in (200, 201), response.text
    session.expire_all()
    assert _approved_visits(client, north.id) == 4
    approve_visit(session, world.people["admin"], visit)
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
    assert client.get(f"/api/v1/scores/regions/{north.id}/league", headers=bearer(token)).json["visits"] == 5
    assert cache.hits >= hits


def test_a_renamed_branch_shows_its_new_name_in_the_next_league(client, session, world):
    north = world.regions["north"]
    web_login(client, world.people["nora"].email)
    assert "Harbour Street" in client.get(f"/dashboard/?region={north.id}").text
    branch = world.branches["n2"]
    edit_branch(session, world.people["admin"], branch, {
        "code": branch.code, "name": "Harbour Quay", "address": branch.address, "latitude": branch.latitude,
        "longitude": branch.longitude})
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
