"""League tables: each branch's mean score in a region and period, its 95 % interval, change and rank.

Branch score = mean of its counted visits' scores (visits without a score are counted, not averaged);
region score = mean of its branches' scores. See `stats` for the interval and rank method.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Branch, Region
from .filters import Period, Scope
from .cache import rollup
from .stats import Sums, competition_ranks, difference, mean_of, publish, uncertain_ranks
from .totals import BranchTotals, branch_totals


@dataclass(frozen=True)
class Standing:
    """One branch's line in its region's league table."""

    branch_id: int
    code: str
    name: str
    visits: int
    scored_visits: int
    score: float | None
    ci_low: float | None
    ci_high: float | None
    previous_score: float | None
    previous_visits: int
    change: float | None
    critical_failures: int
    rank: int | None = None
    rank_uncertain: bool = False

    @property
    def unscored_visits(self) -> int:
        """Counted visits that had nothing to score (left out of the mean)."""
        return self.visits - self.scored_visits


@dataclass(frozen=True)
class League:
    """A region's league table for a period, with the region score and the previous period's."""

    region_id: int
    region_code: str
    region_name: str
    period: Period
    previous_period: Period
    template_id: int | None
    score: float | None
    previous_score: float | None
    change: float | None
    branches_scored: int
    visits: int
    scored_visits: int
    standings: tuple[Standing, ...]


def _standing(branch_id: int, code: str, name: str, now: BranchTotals | None, before: BranchTotals | None,
              rank: int | None = None, rank_uncertain: bool = False) -> Standing:
    sums = now.sums if now else Sums()
    previous = before.sums if before else Sums()
    interval = sums.interval()
    return Standing(
        branch_id=branch_id, code=code, name=name, visits=now.visits if now else 0, scored_visits=sums.n,
        score=sums.published_mean(), ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None, previous_score=previous.published_mean(),
        previous_visits=previous.n, change=sums.change_from(previous),
        critical_failures=now.critical_failures if now else 0, rank=rank, rank_uncertain=rank_uncertain)


def ranked(branches, now: dict[int, BranchTotals], before: dict[int, BranchTotals]) -> tuple[Standing, ...]:
    """Standings of (id, code, name) rows, best score first with competition ranks and uncertainty marks;
    unscored branches last, unranked, by code. Each Standing is built once, rank included."""
    scores = {b[0]: now[b[0]].sums.published_mean() if b[0] in now else None for b in branches}
    scored = sorted((b for b in branches if scores[b[0]] is not None), key=lambda b: (-scores[b[0]], b[1]))
    unscored = sorted((b for b in branches if scores[b[0]] is None), key=lambda b: b[1])
    ranks = competition_ranks([scores[b[0]] for b in scored])
    unsure = uncertain_ranks([now[b[0]].sums.interval() for b in scored])
    return tuple(_standing(*b, now.get(b[0]), before.get(b[0]), rank, flag)
                 for b, rank, flag in zip(scored, ranks, unsure)) + tuple(
        _standing(*b, now.get(b[0]), before.get(b[0])) for b in unscored)


@rollup
def region_league(session: Session, region: Region, scope: Scope) -> League:
    """The league table of `region` for `scope`: one aggregate query over both periods and the branch names."""
    previous = scope.period.previous()
    now, before = branch_totals(session, scope, [region.id])
    rows = session.execute(select(Branch.id, Branch.code, Branch.name, Branch.active)
                           .where(Branch.region_id == region.id)).all()
    branches = [(b.id, b.code, b.name) for b in rows if b.active or b.id in now]  # switched off: shown while counted
    standings = ranked(branches, now, before)
    score = mean_of([t.mean for t in now.values() if t.mean is not None])
    previous_score = mean_of([t.mean for t in before.values() if t.mean is not None])
    return League(
        region_id=region.id, region_code=region.code, region_name=region.name, period=scope.period,
        previous_period=previous, template_id=scope.template_id, score=publish(score),
        previous_score=publish(previous_score), change=difference(score, previous_score),
        branches_scored=sum(t.mean is not None for t in now.values()),
        visits=sum(t.visits for t in now.values()), scored_visits=sum(t.sums.n for t in now.values()),
        standings=standings)
