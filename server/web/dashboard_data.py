"""What the dashboard and branch pages show, gathered from the same score services the PDFs and the API use."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, Region, User, Visit
from ..services import scores
from ..services.report_data import branch_report_data, region_report_data
from ..services.scores import Scope, counted
from ..services.scores.stats import publish
from ..services.shopper_labels import ShopperLabels
from .dashboard_charts import distribution_svg, sections_svg, trend_svg

WEAKEST = 10
"""How many weakest questions a page lists."""

RECENT_FAILURES = 25
"""How many critical failures the dashboard lists (newest first)."""


@dataclass(frozen=True)
class RegionQuestion:
    """A question's pass rate over a region's counted answers: sum(earned) / sum(possible), as for a branch."""

    text: str
    section_title: str
    critical: bool
    answered: int
    rate: float
    branches: int


@dataclass(frozen=True)
class RegionFailure:
    """A critical failure with the branch it happened at."""

    branch: Branch
    item: scores.CriticalFailureItem


def _region_questions(per_branch: dict[int, list[scores.QuestionRate]]) -> list[RegionQuestion]:
    """The region's weakest questions, combining each branch's points (not averaging their rates)."""
    sums: dict[str, list] = defaultdict(lambda: [None, 0, 0.0, 0.0, 0])
    for rates in per_branch.values():
        for rate in rates:
            entry = sums[rate.key]
            entry[0] = entry[0] or rate
            entry[1] += rate.answered
            entry[2] += rate.earned
            entry[3] += rate.possible
            entry[4] += 1
    rows = [RegionQuestion(text=r.text, section_title=r.section_title, critical=r.critical, answered=answered,
                           rate=publish(Fraction(earned) * 100 / Fraction(possible)), branches=count)
            for r, answered, earned, possible, count in sums.values() if possible]
    return sorted(rows, key=lambda q: (q.rate, q.text))[:WEAKEST]


def region_view(session: Session, region: Region, scope: Scope) -> dict:
    """League table, trend and distribution charts, critical failures and weakest questions of a region."""
    league = scores.region_league(session, region, scope)
    report = region_report_data(session, region, scope)
    branches = {b.id: b for b in session.scalars(select(Branch).where(Branch.region_id == region.id))}
    scored = [branches[s.branch_id] for s in league.standings if s.visits]
    failures = [RegionFailure(branch, item) for branch in scored
                for item in scores.critical_failures(session, branch, scope)]
    failures.sort(key=lambda f: f.item.finished_at, reverse=True)
    questions = _region_questions({b.id: scores.question_rates(session, b, scope) for b in scored})
    return {
        "league": league, "trend_svg": trend_svg(report.trend, "Region score trend"),
        "distribution_svg": distribution_svg(report.distribution), "failures": failures[:RECENT_FAILURES],
        "failure_total": len(failures), "questions": questions,
    }


def branch_visits(session: Session, branch: Branch, scope: Scope, labels: ShopperLabels) -> list[tuple[Visit, str]]:
    """The branch's counted visits in the period with their shoppers as `labels` says, newest first (as the PDF)."""
    rows = session.execute(select(Visit, User.name, User.pseudonym).join(User, User.id == Visit.shopper_id)
                           .where(*counted(scope), Visit.branch_id == branch.id)
                           .order_by(Visit.finished_at.desc(), Visit.id))
    return [(visit, labels.label(name, pseudonym)) for visit, name, pseudonym in rows]


def branch_view(session: Session, branch: Branch, scope: Scope, labels: ShopperLabels) -> dict:
    """The branch report's data (same numbers as its PDF) plus charts and the visits with their ids."""
    report = branch_report_data(session, branch, scope, labels=labels)
    return {"report": report, "trend_svg": trend_svg(report.trend, "Branch score trend"),
            "sections_svg": sections_svg(report.sections), "visits": branch_visits(session, branch, scope, labels)}
