"""Section averages against the region, question pass rates weakest first, and critical failures with their visits."""

from __future__ import annotations

from datetime import date

from server.models import VisitStatus
from server.services.scores import branch_sections, critical_failures, make_scope, question_rates, section_grid
from tests.server.scores.world import at


def test_a_branch_sections_are_compared_with_the_mean_of_the_region_branches(session, make, world, scope):
    region = make.region()
    mine, other = make.branch(region, code="MINE"), make.branch(region, code="OTHER")
    world.visit(mine, 80, sections={"front": 80, "till": 50})
    world.visit(mine, 90, sections={"front": 100, "till": None})  # till scored nothing: left out
    world.visit(other, 60, sections={"front": 60, "till": 30})
    world.visit(other, 60, sections={"front": 40, "till": 40})
    world.visit(other, 60, sections={"front": 50, "till": 20})
    rows = branch_sections(session, mine, scope)
    assert [
        (r.key, r.title, r.branch_percent, r.branch_visits, r.region_percent, r.region_branches, r.difference)
        for r in rows
    ] == [
        ("front", "Front of house", 90.0, 2, 70.0, 2, 20.0),  # region: (90 + 50) / 2
        ("till", "At the till", 50.0, 1, 40.0, 2, 10.0),  # region: (50 + 30) / 2
    ]


def test_sections_the_branch_has_no_data_for_still_show_the_region(session, make, world, scope):
    region = make.region()
    quiet, busy = make.branch(region), make.branch(region)
    world.visit(busy, 70, sections={"front": 70})
    assert [
        (r.key, r.branch_percent, r.branch_visits, r.region_percent, r.difference)
        for r in branch_sections(session, quiet, scope)
    ] == [("front", None, 0, 70.0, None)]


def test_the_section_grid_has_one_row_per_visited_branch(session, make, world, scope):
    region = make.region()
    a, b = make.branch(region), make.branch(region)
    make.branch(region)
    world.visit(a, 70, sections={"front": 70, "till": 100})
    world.visit(b, 70, sections={"front": 50})
    grid = section_grid(session, region, scope)
    assert grid.sections == (("front", "Front of house"), ("till", "At the till"))
    assert grid.percents == {a.id: {"front": 70.0, "till": 100.0}, b.id: {"front": 50.0, "till": None}}
    assert grid.region == {"front": 60.0, "till": 100.0}


def test_question_pass_rates_come_weakest_first_with_partial_credit(session, make, world, scope):
    branch = make.branch()
    world.visit(
        branch,
        50,
        answers=[
            ("greeted", "front", 1.0, 1.0, False),
            ("clean", "front", 1.5, 2.0, False),
            ("price_ok", "till", 1.0, 1.0, False),
        ],
    )
    world.visit(
        branch,
        50,
        answers=[
            ("greeted", "front", 0.0, 1.0, False),
            ("clean", "front", 2.0, 2.0, False),
            ("price_ok", "till", None, None, False),
        ],
    )  # N/A: not counted
    world.visit(
        branch,
        50,
        answers=[
            ("greeted", "front", 1.0, 1.0, False),
            ("clean", "front", 0.5, 2.0, False),
            ("notes", "till", None, None, False),
        ],
    )  # unscored text: not counted
    rates = question_rates(session, branch, scope)
    assert [(r.key, r.text, r.section_title, r.answered, r.rate, r.full_marks, r.critical) for r in rates] == [
        ("clean", "How clean?", "Front of house", 3, 66.67, 33.33, False),  # 4 of 6 points; one full mark
        ("greeted", "Greeted on arrival?", "Front of house", 3, 66.67, 66.67, False),  # same rate, more full marks
        ("price_ok", "Price matched?", "At the till", 1, 100.0, 100.0, True),
    ]


def test_critical_failures_are_listed_with_their_visits_newest_first(session, make, world, scope):
    branch = make.branch()
    older = world.visit(
        branch, 0, date(2026, 3, 3), critical_failures=1, answers=[("price_ok", "till", 0.0, 1.0, True)]
    )
    newer = world.visit(
        branch,
        75,
        date(2026, 3, 20),
        critical_failures=1,
        answers=[("greeted", "front", 1.0, 1.0, False), ("price_ok", "till", 0.0, 1.0, True)],
    )
    world.visit(
        branch, 0, date(2026, 3, 21), status=VisitStatus.SUBMITTED, answers=[("price_ok", "till", 0.0, 1.0, True)]
    )  # not approved: not listed
    world.visit(branch, 0, date(2026, 4, 2), answers=[("price_ok", "till", 0.0, 1.0, True)])  # outside the period
    failures = critical_failures(session, branch, scope)
    assert [
        (f.visit_id, f.finished_at, f.question_text, f.section_title, f.comment, f.visit_score) for f in failures
    ] == [
        (newer.id, at(date(2026, 3, 20)), "Price matched?", "At the till", "comment on price_ok", 75.0),
        (older.id, at(date(2026, 3, 3)), "Price matched?", "At the till", "comment on price_ok", 0.0),
    ]


def test_an_empty_period_has_no_sections_questions_or_failures(session, make):
    branch = make.branch()
    scope = make_scope(session, date(2020, 1, 1), date(2020, 1, 31))
    assert branch_sections(session, branch, scope) == []
    assert question_rates(session, branch, scope) == []
    assert critical_failures(session, branch, scope) == []
