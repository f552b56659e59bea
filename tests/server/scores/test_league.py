"""League tables against a hand-computed dataset: means, counts, intervals, ranks, ties, change, filters."""

from __future__ import annotations

from datetime import date

import pytest

from server.models import VisitStatus
from server.services.scores import make_scope, region_league, region_summaries
from tests.server.scores.world import MARCH, at


def league(session, region, period=MARCH, template_id=None):
    return region_league(session, region, make_scope(session, *period, template_id))


def by_code(result):
    return {s.code: s for s in result.standings}


@pytest.fixture
def three(make, world):
    """A: 90..98 (n=5), B: 70, 72, 74 (n=3), C: 60 and one unscored visit (n=1)."""
    region = make.region("North")
    a, b, c = (make.branch(region, code=code) for code in ("A", "B", "C"))
    world.visits(a, [90, 92, 94, 96, 98])
    world.visits(b, [70, 72, 74])
    world.visits(c, [60, None])
    return region


def test_each_branch_score_is_the_mean_of_its_visits_and_the_region_score_the_mean_of_the_branches(session, three):
    result = league(session, three)
    rows = by_code(result)
    assert [(s.code, s.score, s.visits, s.scored_visits) for s in result.standings] == [
        ("A", 94.0, 5, 5),
        ("B", 72.0, 3, 3),
        ("C", 60.0, 2, 1),
    ]
    assert rows["C"].unscored_visits == 1
    assert result.score == 75.33  # (94 + 72 + 60) / 3
    assert (result.branches_scored, result.visits, result.scored_visits) == (3, 10, 9)


def test_intervals_use_the_t_quantile_with_n_minus_1_degrees_of_freedom(session, three):
    rows = by_code(league(session, three))
    # A: mean 94, s = sqrt(10), t(0.975, 4) = 2.7764451: half = 2.7764451 * sqrt(10 / 5) = 3.9265
    assert (rows["A"].ci_low, rows["A"].ci_high) == (90.07, 97.93)
    # B: mean 72, s = 2, t(0.975, 2) = 4.3026527: half = 4.3026527 * 2 / sqrt(3) = 4.9683
    assert (rows["B"].ci_low, rows["B"].ci_high) == (67.03, 76.97)
    # C: one scored visit, no interval
    assert (rows["C"].ci_low, rows["C"].ci_high) == (None, None)


def test_an_interval_is_clipped_to_the_range_a_score_can_take(session, make, world):
    region = make.region()
    world.visits(make.branch(region), [100, 60])
    row = league(session, region).standings[0]
    assert (row.ci_low, row.ci_high) == (0.0, 100.0)  # 80 +- 12.7062 * 28.28 / sqrt(2) = 80 +- 254


def test_ranks_are_marked_uncertain_where_intervals_overlap_a_neighbour(session, three):
    rows = by_code(league(session, three))
    assert [(rows[c].rank, rows[c].rank_uncertain) for c in "ABC"] == [(1, False), (2, True), (3, True)]


def test_well_separated_branches_have_certain_ranks(session, make, world):
    region = make.region()
    world.visits(make.branch(region, code="HI"), [90, 91, 92, 93])
    world.visits(make.branch(region, code="LO"), [50, 51, 52, 53])
    assert [(s.code, s.rank, s.rank_uncertain) for s in league(session, region).standings] == [
        ("HI", 1, False),
        ("LO", 2, False),
    ]


def test_equal_scores_share_a_rank_and_the_next_rank_skips(session, make, world):
    region = make.region()
    for code, scores in (("A", [90]), ("B", [70, 74]), ("C", [72]), ("D", [50])):
        world.visits(make.branch(region, code=code), scores)
    assert [(s.code, s.rank) for s in league(session, region).standings] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]


def test_change_compares_with_the_previous_period_of_equal_length(session, make, world):
    region = make.region()
    a, b = make.branch(region, code="A"), make.branch(region, code="B")
    world.visits(a, [80, 90], date(2026, 3, 5))
    world.visit(a, 70, date(2026, 2, 28))  # last day of the previous period (2026-01-29..2026-02-28)
    world.visit(a, 10, date(2026, 1, 28))  # before it: counted nowhere
    world.visit(b, 60, date(2026, 3, 6))  # no previous visits: no change
    result = league(session, region)
    rows = by_code(result)
    assert (result.previous_period.start, result.previous_period.end) == (date(2026, 1, 29), date(2026, 2, 28))
    assert (rows["A"].score, rows["A"].previous_score, rows["A"].change) == (85.0, 70.0, 15.0)
    assert (rows["B"].previous_score, rows["B"].change) == (None, None)
    assert (result.score, result.previous_score, result.change) == (72.5, 70.0, 2.5)


def test_only_approved_complete_visits_inside_the_period_count(session, make, world):
    region = make.region()
    branch = make.branch(region)
    world.visit(branch, 80, at(date(2026, 3, 1), 0, 0))  # first instant of the period
    world.visit(branch, 60, at(date(2026, 3, 31), 23, 59))  # last minute of it
    world.visit(branch, 0, at(date(2026, 4, 1), 0, 0))  # the next day
    for status in (VisitStatus.SUBMITTED, VisitStatus.REJECTED, VisitStatus.RETURNED, VisitStatus.AWAITING_PHOTOS):
        world.visit(branch, 5, status=status)
    world.visit(branch, 5, photo_missing=True)  # approved, but a photo never arrived
    row = league(session, region).standings[0]
    assert (row.visits, row.score) == (2, 70.0)


def test_the_template_filter_counts_every_version_of_that_checklist_only(session, make, world):
    from server.models import TemplateVersion, VersionStatus

    region = make.region()
    branch = make.branch(region)
    version_2 = TemplateVersion(
        template=world.template, number=2, definition=world.version.definition, status=VersionStatus.PUBLISHED
    )
    session.add(version_2)
    other = make.template()
    world.visit(branch, 80)
    world.visit(branch, 90, version=version_2)
    world.visit(branch, 10, version=other.versions[0])
    assert league(session, region, template_id=world.template.id).standings[0].score == 85.0
    assert league(session, region, template_id=other.id).standings[0].score == 10.0
    assert league(session, region).standings[0].score == 60.0


def test_branches_without_scored_visits_are_listed_last_and_unranked(session, make, world):
    region = make.region()
    world.visit(make.branch(region, code="Z"), 50)
    make.branch(region, code="A")
    make.branch(region, code="GONE", active=False)  # closed and not visited: left out
    rows = league(session, region).standings
    assert [(s.code, s.rank, s.score, s.visits) for s in rows] == [("Z", 1, 50.0, 1), ("A", None, None, 0)]


def test_an_empty_period_gives_an_empty_but_complete_table(session, three):
    result = league(session, three, (date(2025, 1, 1), date(2025, 1, 31)))
    assert result.score is None and result.visits == 0 and result.branches_scored == 0
    assert [(s.code, s.rank, s.score, s.change) for s in result.standings] == [
        ("A", None, None, None),
        ("B", None, None, None),
        ("C", None, None, None),
    ]


def test_region_summaries_give_each_region_its_score_and_counts(session, make, world, three):
    south = make.region("South")
    world.visits(make.branch(south), [40, 50])
    empty = make.region("Empty")
    result = region_summaries(session, [three, south, empty], make_scope(session, *MARCH))
    assert [(r.name, r.score, r.branches, r.branches_scored, r.visits) for r in result] == [
        ("North", 75.33, 3, 3, 10),
        ("South", 45.0, 1, 1, 2),
        ("Empty", None, 0, 0, 0),
    ]
