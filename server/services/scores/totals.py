"""The GROUP BY behind league tables and region summaries: per-branch visit counts and exact score sums."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Integer, cast, func, literal_column, select
from sqlalchemy.orm import Session

from ...models import Branch, Visit
from .filters import Scope, counted
from .stats import Sums


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


def period_totals(session: Session, scope: Scope, region_ids) -> Totals:
    """Totals per branch of the given regions (ids or a SELECT of ids) in the scope, one aggregate query."""
    query = (select(Visit.branch_id, Branch.region_id, func.count(Visit.id), *score_sums(Visit.score_percent),
                    func.sum(Visit.critical_failures))
             .join(Branch, Branch.id == Visit.branch_id)
             .where(*counted(scope), Branch.region_id.in_(region_ids))
             .group_by(Visit.branch_id, Branch.region_id))
    return {branch_id: BranchTotals(branch_id, region_id, int(visits), Sums.of(n, total, squares), int(critical or 0))
            for branch_id, region_id, visits, n, total, squares, critical in session.execute(query)}


def branch_totals(session: Session, scope: Scope, region_ids) -> tuple[Totals, Totals]:
    """Totals for the scope's period and for the previous period of equal length.

    Two plain GROUP BY queries: measured faster on SQLite than one pass with CASE-filtered aggregates.
    """
    return (period_totals(session, scope, region_ids),
            period_totals(session, scope.shifted(scope.period.previous()), region_ids))
