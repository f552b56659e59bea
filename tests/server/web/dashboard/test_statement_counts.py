"""The dashboard, a branch page and the region PDF send a fixed number of statements, whatever the region's size.

Each page is counted cold (roll-up cache emptied) on a small and a larger region: more branches, more visits
per branch, more critical failures. A query per branch or per visit (an N+1) makes the larger count grow.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.services.scores.filters import today_utc
from tests.server.auth_helpers import web_login
from tests.server.scores.world import ScoreWorld
from tests.statements import count_statements

LIMIT = 30
"""Most statements any of these pages may send (sign-in and session bookkeeping included)."""


def _region(make, session, branches: int, visits: int):
    """A region of `branches` branches with `visits` approved visits each, every other one failing the critical."""
    world = ScoreWorld(make, session)
    region = make.region()
    first = None
    for b in range(branches):
        branch = make.branch(region)
        first = first or branch
        for v in range(visits):
            failed = (b + v) % 2 == 0
            world.visit(
                branch,
                40.0 + 10 * v + b,
                today_utc() - timedelta(days=3 + v),
                sections={"front": 50.0 + v, "till": 0.0 if failed else 100.0},
                answers=[
                    ("greeted", "front", 1, 1, False),
                    ("clean", "front", v % 4, 4, False),
                    ("price_ok", "till", 0 if failed else 1, 1, failed),
                ],
                critical_failures=int(failed),
            )
    manager = make.user("manager", regions=[region])
    return region, first, manager


def _counts(app, client, make, session, branches: int, visits: int) -> dict[str, int]:
    region, branch, manager = _region(make, session, branches, visits)
    web_login(client, manager.email)
    urls = {
        "dashboard": f"/dashboard/?region={region.id}",
        "branch page": f"/dashboard/branches/{branch.id}",
        "region PDF": f"/reports/regions/{region.id}.pdf",
    }
    counts = {}
    for page, url in urls.items():
        app.extensions["rollup_cache"].clear()
        with count_statements() as seen:
            response = client.get(url)
        assert response.status_code == 200, response.text[:300]
        counts[page] = seen.count
    return counts


@pytest.fixture
def sizes(app, make, session):
    """Statement counts per page for a region of 2 branches x 2 visits and one of 6 branches x 4 visits."""
    from tests.clients import new_client

    return (_counts(app, new_client(app), make, session, 2, 2), _counts(app, new_client(app), make, session, 6, 4))


def test_each_page_sends_the_same_statements_for_a_small_and_a_larger_region(sizes):
    small, large = sizes
    assert small == large


@pytest.mark.parametrize("page", ["dashboard", "branch page", "region PDF"])
def test_each_page_sends_at_most_thirty_statements(sizes, page):
    assert max(size[page] for size in sizes) <= LIMIT, sizes


def test_a_second_dashboard_request_is_served_from_the_cache_with_fewer_statements(app, client, make, session):
    region, _, manager = _region(make, session, 3, 2)
    web_login(client, manager.email)
    with count_statements() as cold:
        first = client.get(f"/dashboard/?region={region.id}").text
    with count_statements() as warm:
        second = client.get(f"/dashboard/?region={region.id}").text
    assert warm.count < cold.count - 5, (cold.count, warm.count)
    assert first.split('id="region-score">')[1][:20] == second.split('id="region-score">')[1][:20]
