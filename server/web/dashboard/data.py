"""What the dashboard and branch pages show, gathered from the same score services the PDFs and the API use."""

from __future__ import annotations

from server.extensions import DbSession
from server.models import Branch, Region
from server.services import scores
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.reports.data import (
    RECENT_FAILURES,
    WEAKEST_QUESTIONS,
    branch_report_data,
    region_trend_points,
    score_distribution,
)
from server.services.scores import RegionFailure, RegionQuestion, Scope  # noqa: F401 - what the templates show
from server.services.scores.queries import branch_visits
from server.web.dashboard.charts import distribution_svg, sections_svg, trend_svg

WEAKEST = WEAKEST_QUESTIONS
"""How many weakest questions a page lists (as many as the reports)."""


def region_view(session: DbSession, region: Region, scope: Scope) -> dict:
    """League table, trend and distribution charts, critical failures and weakest questions of a region.

    The same cached roll-ups and chart data helpers as the region PDF (so both show the same numbers),
    without the PDF's section heat map, which the page does not show.
    """
    league = scores.region_league(session, region, scope)
    questions = scores.region_question_rates(session, region, scope, WEAKEST)
    failures = scores.region_critical_failures(session, region, scope, RECENT_FAILURES)
    return {
        "league": league,
        "trend_svg": trend_svg(region_trend_points(session, region, scope), "Region score trend"),
        "distribution_svg": distribution_svg(score_distribution(league)),
        "failures": list(failures.rows),
        "failure_total": failures.total,
        "questions": list(questions.rows),
    }


def branch_view(session: DbSession, branch: Branch, scope: Scope, labels: ShopperLabels) -> dict:
    """The branch report's data (same numbers as its PDF) plus charts and the visits with their ids."""
    report = branch_report_data(session, branch, scope, labels=labels)
    return {
        "report": report,
        "trend_svg": trend_svg(report.trend, "Branch score trend"),
        "sections_svg": sections_svg(report.sections),
        "visits": branch_visits(session, branch, scope, labels),
    }
