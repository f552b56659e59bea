"""The per-branch GROUP BY over both periods: one region's form gives what the many-regions form gives for it."""

from __future__ import annotations

from datetime import date

from server.services.scores.totals import branch_totals, region_branch_totals


def test_one_regions_totals_are_what_the_many_regions_query_gives_for_that_region(session, make, world, scope):
    north, south = make.region("North"), make.region("South")
    a, b, c = make.branch(north, code="A"), make.branch(north, code="B"), make.branch(south, code="C")
    world.visits(a, [90, 80, None], critical_failures=1)
    world.visits(a, [70], when=date(2026, 2, 10))  # the previous period
    world.visits(b, [55.55], when=date(2026, 2, 20))
    world.visits(c, [40, 60])
    now, before = branch_totals(session, scope, [north.id, south.id])
    north_now, north_before = region_branch_totals(session, scope, north.id)
    assert north_now == {k: v for k, v in now.items() if v.region_id == north.id}
    assert north_before == {k: v for k, v in before.items() if v.region_id == north.id}
    assert set(north_now) == {a.id} and set(north_before) == {a.id, b.id}
    assert (north_now[a.id].visits, north_now[a.id].sums.n, north_now[a.id].critical_failures) == (3, 2, 3)
