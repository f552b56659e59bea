"""The branch report prints its score, interval, rank, trend, section comparison, weakest questions and visits."""

from __future__ import annotations

import dataclasses
from datetime import date

from reports.branch import build_branch_report
from reports.data import BranchReportData
from tests.reports.samples import sample_branch

from .factories import bare_header
from .pdfcheck import body, contains, pages


def test_the_branch_report_prints_every_number_it_was_given():
    data = sample_branch()
    text = body(build_branch_report(data))
    assert contains(text, f"{data.score:.1f}%")
    assert contains(text, f"{data.ci_low:.1f}–{data.ci_high:.1f}")
    assert contains(text, f"{data.rank} of {data.branches_in_region}")
    for point in data.trend:
        assert contains(text, point.label)
        if point.score is not None:
            assert contains(text, f"{point.score:.1f}%")
    for section in data.sections:
        gap = section.branch_percent - section.region_percent
        assert contains(text, f"{section.title}{section.branch_percent:.1f}%{section.region_percent:.1f}%{gap:+.1f}")
    for question in data.weakest_questions:
        assert contains(text, question.text) and contains(text, f"{question.pass_rate:.1f}%{question.answered}")
    for visit in data.visits:
        assert contains(text, f"{visit.visit_date.isoformat()}{visit.shopper}")
        assert contains(text, f"{visit.score:.1f}%")


def test_the_branch_reports_critical_failures_are_on_page_one_with_their_visit_dates():
    data = sample_branch()
    first = pages(build_branch_report(data))[0]
    assert contains(first, f"Critical failures in this period ({len(data.critical_failures)})")
    for failure in data.critical_failures:
        assert contains(first, failure.question_text) and contains(first, failure.visit_date.isoformat())


def test_a_flagged_visit_is_marked_flagged_in_the_visit_list():
    assert contains(body(build_branch_report(sample_branch())), "Approved · flagged")


def test_a_branch_with_no_visits_builds_a_report_that_says_so():
    data = BranchReportData(
        header=bare_header("Branch report"),
        branch_name="York",
        branch_code="YRK",
        region_name="North",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        score=None,
        visit_count=0,
    )
    texts = pages(build_branch_report(data))
    text = "\n".join(texts)
    assert contains(texts[0], "Not scored") and contains(text, "No visits in this period.")
    assert contains(text, "No scored visits in this period.")
    assert contains(text, "No section results in this period.")
    assert "Page 1 of" in texts[0]


def test_visits_that_could_not_be_scored_say_not_scored():
    data = sample_branch()
    data = dataclasses.replace(data, score=None, visits=[dataclasses.replace(v, score=None) for v in data.visits])
    text = body(build_branch_report(data))
    assert contains(text, "Not scored: none of these visits could earn points.")
    assert text.count("not scored") >= len(data.visits)
