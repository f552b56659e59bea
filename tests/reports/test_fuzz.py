"""Property: random Unicode in every text field and odd numbers never crash a builder (bounded examples;
REPORT_FUZZ_EXAMPLES=300 for a longer run)."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.branch import build_branch_report
from reports.data import (
    BranchReportData,
    CriticalFailure,
    HeatmapRow,
    LeagueRow,
    PhotoThumb,
    QuestionRate,
    QuestionRow,
    RegionReportData,
    ReportHeader,
    SectionComparison,
    SectionHeatmap,
    SectionRow,
    TrendPoint,
    VisitReportData,
    VisitSummary,
)
from reports.region import build_region_report
from reports.visit import build_visit_report
from tests.reports.samples import sample_branch, sample_region

FUZZ = settings(
    max_examples=int(os.environ.get("REPORT_FUZZ_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
text = st.text(max_size=80)
percent = st.none() | st.floats(min_value=0, max_value=100)
points = st.floats(min_value=0, max_value=1000)
count = st.integers(min_value=0, max_value=10_000)
day = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
moment = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
header = st.builds(
    ReportHeader,
    title=text,
    subtitle=text,
    organisation=text,
    generated_at=moment,
    filters=st.dictionaries(text, text, max_size=3),
    logo_png=st.none() | st.binary(max_size=40),
)
failure = st.builds(CriticalFailure, question_text=text, section_title=text, comment=text, visit_date=st.none() | day)
trend = st.lists(st.builds(TrendPoint, label=text, score=percent, visits=count), max_size=14)


@FUZZ
@given(
    data=st.builds(
        VisitReportData,
        header=header,
        branch_name=text,
        branch_code=text,
        region_name=text,
        visit_date=day,
        shopper=text,
        template_title=text,
        version_number=count,
        status=text,
        score=percent,
        flagged=st.booleans(),
        zeroed=st.booleans(),
        review_note=text,
        visit_id=text,
        critical_failures=st.lists(failure, max_size=3),
        sections=st.lists(
            st.builds(SectionRow, title=text, percent=percent, earned=points, possible=points), max_size=5
        ),
        questions=st.lists(
            st.builds(
                QuestionRow,
                section_title=text,
                text=text,
                answer_text=text,
                comment=text,
                earned=points,
                possible=points,
                status=st.sampled_from(["scored", "unscored", "na", "hidden", "unanswered", "invalid"]) | text,
                critical=st.booleans(),
                critical_failure=st.booleans(),
                photos=st.lists(st.builds(PhotoThumb, image=st.binary(max_size=30), caption=text), max_size=2),
            ),
            max_size=6,
        ),
        started_at=st.none() | moment,
        finished_at=st.none() | moment,
    )
)
def test_random_text_in_every_visit_field_never_crashes_the_visit_report(data):
    assert build_visit_report(data).startswith(b"%PDF-")


@FUZZ
@given(
    data=st.builds(
        BranchReportData,
        header=header,
        branch_name=text,
        branch_code=text,
        region_name=text,
        period_from=day,
        period_to=day,
        score=percent,
        visit_count=count,
        ci_low=percent,
        ci_high=percent,
        region_score=percent,
        rank=st.none() | count,
        branches_in_region=st.none() | count,
        trend=trend,
        sections=st.lists(
            st.builds(SectionComparison, title=text, branch_percent=percent, region_percent=percent), max_size=6
        ),
        weakest_questions=st.lists(
            st.builds(
                QuestionRate, text=text, section_title=text, pass_rate=percent, answered=count, critical=st.booleans()
            ),
            max_size=5,
        ),
        critical_failures=st.lists(failure, max_size=3),
        visits=st.lists(
            st.builds(
                VisitSummary,
                visit_date=day,
                shopper=text,
                score=percent,
                status=text,
                flagged=st.booleans(),
                zeroed=st.booleans(),
                critical_failures=count,
                template_title=text,
            ),
            max_size=6,
        ),
    )
)
def test_random_text_in_every_branch_field_never_crashes_the_branch_report(data):
    assert build_branch_report(data).startswith(b"%PDF-")


@FUZZ
@given(
    data=st.builds(
        RegionReportData,
        header=header,
        region_name=text,
        period_from=day,
        period_to=day,
        score=percent,
        visit_count=count,
        distribution_label=text,
        trend=trend,
        league=st.lists(
            st.builds(
                LeagueRow,
                rank=st.none() | count,
                branch_code=text,
                branch_name=text,
                score=percent,
                visits=count,
                change=st.none() | st.floats(-100, 100),
                ci_low=percent,
                ci_high=percent,
                rank_uncertain=st.booleans(),
                critical_failures=count,
            ),
            max_size=8,
        ),
        distribution=st.lists(st.floats(min_value=0, max_value=100), max_size=20),
        heatmap=st.none()
        | st.builds(
            SectionHeatmap,
            section_titles=st.lists(text, max_size=6),
            rows=st.lists(st.builds(HeatmapRow, label=text, percents=st.lists(percent, max_size=7)), max_size=6),
        ),
    )
)
def test_random_text_in_every_region_field_never_crashes_the_region_report(data):
    assert build_region_report(data).startswith(b"%PDF-")


def test_nan_and_infinite_numbers_print_as_no_data_instead_of_crashing():
    nan, inf = float("nan"), float("inf")
    region = sample_region(4)
    league = [dataclasses.replace(row, score=nan, ci_low=inf, change=nan) for row in region.league]
    assert build_region_report(
        dataclasses.replace(region, score=nan, league=league, distribution=[nan, inf, -5.0, 500.0])
    ).startswith(b"%PDF-")
    branch = sample_branch()
    trend = [dataclasses.replace(point, score=inf) for point in branch.trend]
    assert build_branch_report(dataclasses.replace(branch, score=nan, trend=trend)).startswith(b"%PDF-")
