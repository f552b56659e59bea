"""The GROUP BY behind league tables and region summaries: per-branch visit counts and exact score sums."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Integer, case, cast, func, literal_column, select

from server.extensions import DbSession
from server.models import Branch, Visit
from server.services.scores.filters import Period, Scope, counted
from server.services.scores.stats import Sums


def hundredths(column):
    """A stored 2-decimal percentage as whole hundredths, so SQL sums it exactly on every database."""
    return cast(func.round(column * literal_column("100")), Integer)


def score_sums(column) -> tuple:
    """count, sum and sum of squares of a percentage column, as SELECT columns."""
    value = hundredths(column)
    return func.count(column), func.sum(value), func.sum(value * value)


@dataclass(frozen=True)
class BranchTotals:
    """One branch's counted visits in one period: how many, their score sums, their critical failures."""

    branch_id: int
    region_id: int
    visits: int
    sums: Sums
    critical_failures: int

    @property
    def mean(self) -> Fraction | None:
        """The branch score: the exact mean of its scored visits."""
        return self.sums.mean()


Totals = dict[int, BranchTotals]


def period_totals(session: DbSession, scope: Scope, region_ids) -> Totals:
    """Totals per branch of the given regions (ids or a SELECT of ids) in the scope, one aggregate query."""
    query = (
        select(
            Visit.branch_id,
            Branch.region_id,
            func.count(Visit.id),
            *score_sums(Visit.score_percent),
            func.sum(Visit.critical_failures),
        )
        .join(Branch, Branch.id == Visit.branch_id)
        .where(*counted(scope), Branch.region_id.in_(region_ids))
        .group_by(Visit.branch_id, Branch.region_id)
    )
    return {
        branch_id: BranchTotals(branch_id, region_id, int(visits), Sums.of(n, total, squares), int(critical or 0))
        for branch_id, region_id, visits, n, total, squares, critical in session.execute(query)
    }


def branch_totals(session: DbSession, scope: Scope, region_ids) -> tuple[Totals, Totals]:
    """Totals for the scope's period and for the previous period of equal length, from one GROUP BY.

    One pass over both periods grouped by (branch, which period): the rows each period's own query would
    read, in one statement; branches appear only in the periods where they had counted visits.
    """
    return _both_periods(session, scope, Branch.region_id.in_(region_ids), None)


def region_branch_totals(session: DbSession, scope: Scope, region_id: int) -> tuple[Totals, Totals]:
    """branch_totals of one region (a league table): the region is known, so the GROUP BY leaves it out."""
    return _both_periods(session, scope, Branch.region_id == region_id, region_id)


def _both_periods(session: DbSession, scope: Scope, in_regions, region_id: int | None) -> tuple[Totals, Totals]:
    """The GROUP BY behind branch_totals; grouped by region too unless `region_id` names the only one."""
    previous = scope.period.previous()
    both = Scope(Period(previous.start, scope.period.end), scope.template_id)
    current = case((Visit.finished_at >= scope.period.bounds()[0], 1), else_=0).label("current")
    region = [Branch.region_id] if region_id is None else []
    query = (
        select(
            Visit.branch_id,
            current,
            *region,
            func.count(Visit.id),
            *score_sums(Visit.score_percent),
            func.sum(Visit.critical_failures),
        )
        .join(Branch, Branch.id == Visit.branch_id)
        .where(*counted(both), in_regions)
        .group_by(Visit.branch_id, current, *region)
    )
    now: Totals = {}
    before: Totals = {}
    for row in session.execute(query):
        branch_id, is_current, (visits, n, total, squares, critical) = row[0], row[1], row[-5:]
        (now if is_current else before)[branch_id] = BranchTotals(
            branch_id,
            row[2] if region_id is None else region_id,
            int(visits),
            Sums.of(n, total, squares),
            int(critical or 0),
        )
    return now, before
