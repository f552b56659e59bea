"""Trends bucketed by ISO week and calendar month in SQL: the same buckets and numbers on every database."""

from __future__ import annotations

from datetime import date

import pytest

from server.services.scores import Period, Scope, branch_trend, make_scope, region_trend
from server.services.scores.buckets import calendar, label
from tests.server.scores.world import at

NEW_YEAR = (date(2026, 12, 20), date(2027, 1, 10))


@pytest.fixture
def branch(make, world):
    """Visits either side of ISO-week and year boundaries (2026-12-28 is a Monday; 2026-W53 runs into 2027)."""
    b = make.branch(make.region())
    world.visit(b, 60, at(date(2026, 12, 27), 23, 59))  # Sunday: 2026-W52
    world.visit(b, 70, at(date(2026, 12, 28), 0, 0))  # Monday: 2026-W53
    world.visit(b, 80, at(date(2026, 12, 31), 18))  # Thursday: 2026-W53, December
    world.visit(b, 91, at(date(2027, 1, 1), 9))  # Friday: still 2026-W53, but January
    world.visit(b, None, at(date(2027, 1, 4), 9))  # Monday: 2027-W01, nothing scored
    return b


def rows(trend):
    return [(t.label, t.start.isoformat(), t.end.isoformat(), t.visits, t.scored_visits, t.score) for t in trend]


def test_weekly_buckets_follow_iso_weeks_across_the_new_year(session, branch):
    trend = branch_trend(session, branch, make_scope(session, *NEW_YEAR), "week")
    assert rows(trend) == [
        ("2026-W51", "2026-12-20", "2026-12-20", 0, 0, None),  # the period starts on a Sunday
        ("2026-W52", "2026-12-21", "2026-12-27", 1, 1, 60.0),
        ("2026-W53", "2026-12-28", "2027-01-03", 3, 3, 80.33),  # (70 + 80 + 91) / 3
        ("2027-W01", "2027-01-04", "2027-01-10", 1, 0, None),
    ]


def test_monthly_buckets_are_calendar_months(session, branch):
    trend = branch_trend(session, branch, make_scope(session, *NEW_YEAR), "month")
    assert rows(trend) == [
        ("2026-12", "2026-12-20", "2026-12-31", 3, 3, 70.0),
        ("2027-01", "2027-01-01", "2027-01-10", 2, 1, 91.0),
    ]


def test_a_region_trend_is_the_mean_of_its_branches_in_each_bucket(session, make, world):
    region = make.region()
    a, b = make.branch(region), make.branch(region)
    world.visits(a, [90, 70], date(2026, 3, 2))  # March: branch A 80
    world.visit(b, 50, date(2026, 3, 20))  # March: branch B 50
    world.visit(b, 40, date(2026, 4, 2))  # April: only B
    trend = region_trend(session, region, make_scope(session, date(2026, 3, 1), date(2026, 4, 30)), "month")
    assert [(t.label, t.visits, t.branches_scored, t.score) for t in trend] == [
        ("2026-03", 3, 2, 65.0),
        ("2026-04", 1, 1, 40.0),
    ]


def test_an_empty_period_gives_every_bucket_empty(session, make):
    branch = make.branch()
    trend = branch_trend(session, branch, make_scope(session, date(2026, 1, 1), date(2026, 3, 31)), "month")
    assert [(t.label, t.visits, t.score) for t in trend] == [
        ("2026-01", 0, None),
        ("2026-02", 0, None),
        ("2026-03", 0, None),
    ]


def test_the_calendar_covers_the_period_with_clipped_edges():
    weeks = calendar(Period(date(2026, 3, 4), date(2026, 3, 16)), "week")
    assert [(s.isoformat(), a.isoformat(), b.isoformat()) for s, a, b in weeks] == [
        ("2026-03-02", "2026-03-04", "2026-03-08"),
        ("2026-03-09", "2026-03-09", "2026-03-15"),
        ("2026-03-16", "2026-03-16", "2026-03-16"),
    ]
    assert label(date(2027, 1, 1) - date.resolution * 4, "week") == "2026-W53"


def test_an_unknown_bucket_is_refused(session, make):
    with pytest.raises(ValueError):
        branch_trend(session, make.branch(), Scope(Period(date(2026, 1, 1), date(2026, 1, 2))), "year")
