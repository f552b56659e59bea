"""The region report prints its league table row by row, the distribution and the heat map, on numbered pages."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from reports.data import RegionReportData
from reports.region import build_region_report
from reports.text import has_rtl
from tests.reports.samples import sample_region

from .factories import bare_header
from .pdfcheck import body, contains, pages


def league_line(row) -> list[str]:
    """How a league row reads in the PDF, cells run together: rank, code and name; then the numbers.

    A right-to-left name is left out (text extractors order it differently; test_hostile_text covers it)."""
    rank = ("≈" if row.rank_uncertain else "") + str(row.rank)
    name = "" if has_rtl(row.branch_name) else row.branch_name
    return [
        f"{rank}{row.branch_code}{name}",
        f"{row.score:.1f}%{row.ci_low:.1f}–{row.ci_high:.1f}{row.visits}{row.change:+.1f}{row.critical_failures}",
    ]


def test_every_league_row_prints_its_rank_code_name_score_interval_visits_change_and_criticals():
    data = sample_region(30)
    text = body(build_region_report(data))
    assert contains(text, f"{data.score:.1f}%")
    for row in data.league:
        for part in league_line(row):
            assert contains(text, part), part


def test_a_long_league_table_repeats_its_header_on_every_page_and_pages_are_numbered():
    texts = pages(build_region_report(sample_region(120)))
    assert len(texts) >= 4
    league_pages = [t for t in texts if re.search(r"^≈?\d+\nB\d{3}\n", t, re.M)]
    assert len(league_pages) >= 3
    assert all("Rank\nCode\nBranch\nScore" in t for t in league_pages)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_the_heat_map_prints_each_branchs_section_percents():
    data = sample_region(8)
    text = body(build_region_report(data))
    assert contains(text, "Sections by branch")
    for row in data.heatmap.rows:
        cells = "".join("—" if p is None else f"{p:.1f}" for p in row.percents)
        assert contains(text, row.label) and contains(text, cells)


def test_the_distribution_counts_branches_per_score_band():
    data = dataclasses.replace(sample_region(3), distribution=[12.0, 15.0, 95.0])
    text = body(build_region_report(data))
    assert contains(text, "Number of branch scores by score band (%)")


def test_a_region_with_no_data_builds_a_report_that_says_so():
    data = RegionReportData(
        header=bare_header("Region report"),
        region_name="South",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        score=None,
        visit_count=0,
    )
    text = "\n".join(pages(build_region_report(data)))
    for message in (
        "Not scored",
        "No visits in this period.",
        "No scores to show.",
        "No branches with visits in this period.",
        "No section results in this period.",
    ):
        assert contains(text, message), message


def test_unranked_and_unscored_branches_print_a_dash_not_zero():
    data = sample_region(3)
    row = dataclasses.replace(data.league[0], rank=None, score=None, ci_low=None, ci_high=None, change=None)
    text = body(build_region_report(dataclasses.replace(data, league=[row, *data.league[1:]])))
    assert contains(text, f"—{row.branch_code}{row.branch_name}——{row.visits}—")


def test_the_region_score_caption_counts_only_branches_that_were_scored():
    data = sample_region(5)
    unvisited = dataclasses.replace(
        data.league[-1], score=None, visits=0, rank=None, change=None, ci_low=None, ci_high=None, rank_uncertain=False
    )
    data = dataclasses.replace(data, league=[*data.league[:-1], unvisited])
    assert contains(body(build_region_report(data)), "Region score: mean of 4 branches")
