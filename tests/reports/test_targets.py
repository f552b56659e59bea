"""Targets in the PDFs: the pass mark and "below target" in the visit, branch and region reports."""

from __future__ import annotations

import dataclasses

from reports.branch import build_branch_report
from reports.data import SectionComparison, SectionRow
from reports.region import build_region_report
from reports.visit import build_visit_report
from tests.reports.samples import sample_branch, sample_region, sample_visit

from .pdfcheck import body, contains


def test_a_visit_below_its_pass_mark_says_so_with_the_mark_and_the_sections_below_theirs():
    data = dataclasses.replace(
        sample_visit(),
        score=72.5,
        pass_mark=80.0,
        below_target=True,
        sections=[
            SectionRow(title="Arrival", percent=60.0, earned=3, possible=5, pass_mark=75.0, below_target=True),
            SectionRow(title="Till", percent=90.0, earned=9, possible=10, pass_mark=72.25, below_target=False),
        ],
    )
    text = body(build_visit_report(data))
    assert contains(text, "Below target: the pass mark is 80%.")
    assert contains(text, "Pass mark80% · below target")
    assert contains(text, "75% · below target") and contains(text, "72.25% · on target")


def test_a_visit_without_a_pass_mark_prints_no_target():
    text = body(build_visit_report(dataclasses.replace(sample_visit(), pass_mark=None, below_target=None)))
    assert "target" not in text.lower() and "Pass mark" not in text


def test_a_branch_report_prints_the_pass_mark_its_verdict_and_the_sections_against_theirs():
    base = sample_branch()
    data = dataclasses.replace(
        base,
        score=70.0,
        pass_mark=80.0,
        below_target=True,
        sections=[
            SectionComparison(
                title="Arrival", branch_percent=85.0, region_percent=80.0, pass_mark=90.0, below_target=True
            ),
            SectionComparison(title="Till", branch_percent=95.0, region_percent=80.0),
        ],
    )
    text = body(build_branch_report(data))
    assert contains(text, "Below target: the pass mark is 80%.") and contains(text, "Pass mark80% · below target")
    assert contains(text, "Arrival85.0%80.0%+5.090%Below target")
    assert contains(text, "Till95.0%80.0%+15.0—")


def test_a_region_report_marks_each_branch_below_target_in_the_league_table():
    base = sample_region(6)
    league = [dataclasses.replace(row, below_target=i % 2 == 0) for i, row in enumerate(base.league)]
    data = dataclasses.replace(base, league=league, pass_mark=80.0, below_target=False)
    text = body(build_region_report(data))
    assert contains(text, "Pass mark80% · 3 branches below")
    assert contains(text, "ChangeCriticalTarget")
    for row in league:
        assert contains(text, f"{row.change:+.1f}{row.critical_failures}{'Below' if row.below_target else 'Met'}")
    assert "Below target: the pass mark" not in text


def test_a_region_report_without_a_pass_mark_has_no_target_column():
    text = body(build_region_report(sample_region(6)))
    assert "Target" not in text and "Pass mark" not in text
