"""A region's weakest questions and critical failures, from one GROUP BY each, match what its branches add up to."""

from __future__ import annotations

from datetime import date

import pytest

from server.services.scores import critical_failures, question_rates, region_critical_failures, region_question_rates
from server.services.scores.stats import publish
from tests.server.scores.world import at


@pytest.fixture
def region(make, world):
    """Three branches: two with answers (one failing the critical question twice), one never visited."""
    region = make.region()
    north, south = make.branch(region, code="N"), make.branch(region, code="S")
    make.branch(region, code="Q")
    world.visit(
        north,
        50,
        at(date(2026, 3, 5), 9),
        answers=[("greeted", "front", 1, 1, False), ("clean", "front", 1, 4, False), ("price_ok", "till", 0, 1, True)],
    )
    world.visit(
        north,
        75,
        at(date(2026, 3, 20), 9),
        answers=[
            ("greeted", "front", 0, 1, False),
            ("clean", "front", 3, 4, False),
            ("price_ok", "till", 0, 1, True),
            ("notes", "till", None, None, False),
        ],
    )
    world.visit(
        south,
        100,
        at(date(2026, 3, 12), 9),
        answers=[("greeted", "front", 1, 1, False), ("clean", "front", 2, 4, False), ("price_ok", "till", 1, 1, False)],
    )
    world.visit(south, 40, at(date(2026, 2, 10), 9), answers=[("price_ok", "till", 0, 1, True)])  # before March
    region.north, region.south = north, south
    return region


def test_a_region_question_rate_combines_the_branches_points_not_their_rates(session, region, scope):
    found = region_question_rates(session, region, scope, limit=10)
    assert found.total == 3
    assert [(q.text, q.section_title, q.critical, q.answered, q.rate) for q in found.rows] == [
        ("Price matched?", "At the till", True, 3, 33.33),  # 1 of 3 points
        ("How clean?", "Front of house", False, 3, 50.0),  # 6 of 12 points, not mean(50, 50)
        ("Greeted on arrival?", "Front of house", False, 3, 66.67),
    ]


def test_the_region_rates_equal_the_branch_rates_added_up(session, region, scope):
    per_branch = [rate for branch in (region.north, region.south) for rate in question_rates(session, branch, scope)]
    for row in region_question_rates(session, region, scope, limit=10).rows:
        mine = [rate for rate in per_branch if rate.text == row.text]
        earned, possible = sum(r.earned for r in mine), sum(r.possible for r in mine)
        assert row.rate == publish(earned * 100 / possible) and row.answered == sum(r.answered for r in mine)


def test_the_weakest_questions_are_cut_to_the_limit_and_count_all(session, region, scope):
    found = region_question_rates(session, region, scope, limit=1)
    assert [q.text for q in found.rows] == ["Price matched?"] and found.total == 3


def test_region_critical_failures_come_newest_first_with_their_branch_and_the_total(session, region, scope):
    found = region_critical_failures(session, region, scope, limit=10)
    assert found.total == 2
    assert [
        (f.branch.code, f.item.finished_at.date(), f.item.question_text, f.item.section_title, f.item.comment)
        for f in found.rows
    ] == [
        ("N", date(2026, 3, 20), "Price matched?", "At the till", "comment on price_ok"),
        ("N", date(2026, 3, 5), "Price matched?", "At the till", "comment on price_ok"),
    ]
    assert [f.item for f in found.rows] == critical_failures(session, region.north, scope)


def test_region_critical_failures_are_cut_to_the_limit_but_counted_in_full(session, region, scope):
    found = region_critical_failures(session, region, scope, limit=1)
    assert len(found.rows) == 1 and found.rows[0].item.finished_at.date() == date(2026, 3, 20) and found.total == 2


def test_a_region_without_counted_answers_has_no_questions_and_no_failures(session, make, scope):
    empty = make.region()
    assert region_question_rates(session, empty, scope, limit=10).rows == ()
    assert region_critical_failures(session, empty, scope, limit=10).total == 0
