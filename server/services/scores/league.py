"""League tables: each branch's mean score in a region and period, its 95 % interval, change and rank.

Branch score = mean of its counted visits' scores (visits without a score are counted, not averaged);
region score = mean of its branches' scores. See `stats` for the interval and rank method. "Below target":
the score is below the pass mark of the newest checklist version counted in the period (`targets`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Branch, Region
from server.services.scores.cache import rollup
from server.services.scores.filters import Period, Scope
from server.services.scores.stats import Sums, competition_ranks, difference, mean_of_sums, publish, uncertain_ranks
from server.services.scores.targets import Targets, region_targets
from server.services.scores.totals import BranchTotals, region_branch_totals


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
    below_target: bool | None = None
    """Whether the period score is below the league's pass mark (None: no pass mark or no score)."""

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
    targets: Targets = Targets()
    """The pass marks of the newest checklist version counted in the period (what below_target is judged by)."""

    @property
    def pass_mark(self) -> float | None:
        """The visit pass mark the period is judged by, or None."""
        return None if self.targets.pass_mark is None else float(self.targets.pass_mark)

    @property
    def below_target(self) -> bool | None:
        """Whether the region score is below the pass mark (None: no pass mark or no score)."""
        return self.targets.below(self.score)

    @property
    def branches_below_target(self) -> int:
        """How many branches' period scores are below the pass mark."""
        return sum(1 for s in self.standings if s.below_target)


_NO_SUMS = Sums()
BranchRow = tuple[int, str, str]
"""(id, code, name) of a branch in a league table."""


def _standing(
    branch: BranchRow,
    sums: Sums,
    score: float | None,
    interval: tuple[float, float] | None,
    now: BranchTotals | None,
    before: BranchTotals | None,
    rank: int | None = None,
    rank_uncertain: bool = False,
) -> Standing:
    """One branch's Standing from its sums and their published score and interval, worked out once by `ranked`."""
    previous = before.sums if before else _NO_SUMS
    return Standing(
        branch_id=branch[0],
        code=branch[1],
        name=branch[2],
        visits=now.visits if now else 0,
        scored_visits=sums.n,
        score=score,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        previous_score=previous.published_mean(),
        previous_visits=previous.n,
        change=sums.change_from(previous),
        critical_failures=now.critical_failures if now else 0,
        rank=rank,
        rank_uncertain=rank_uncertain,
    )


def ranked(
    branches: Iterable[BranchRow],
    now: dict[int, BranchTotals],
    before: dict[int, BranchTotals],
) -> tuple[Standing, ...]:
    """Standings of (id, code, name) rows, best score first with competition ranks and uncertainty marks;
    unscored branches last, unranked, by code. Each branch's score and interval are worked out once."""
    scored: list[tuple[BranchRow, Sums, float, tuple[float, float] | None, BranchTotals | None]] = []
    unscored: list[tuple[BranchRow, Sums, None, None, BranchTotals | None]] = []
    for branch in branches:
        totals = now.get(branch[0])
        sums = totals.sums if totals else _NO_SUMS
        score = sums.published_mean()
        if score is None:
            unscored.append((branch, sums, None, None, totals))
        else:
            scored.append((branch, sums, score, sums.interval(), totals))
    scored.sort(key=lambda line: (-line[2], line[0][1]))
    unscored.sort(key=lambda line: line[0][1])
    ranks = competition_ranks([line[2] for line in scored])
    unsure = uncertain_ranks([line[3] for line in scored])
    return tuple(
        _standing(*line, before.get(line[0][0]), rank, flag) for line, rank, flag in zip(scored, ranks, unsure)
    ) + tuple(_standing(*line, before.get(line[0][0])) for line in unscored)


@rollup
def region_league(session: DbSession, region: Region, scope: Scope) -> League:
    """The league table of `region` for `scope`: one aggregate query over both periods, the branch names and the
    period's targets."""
    previous = scope.period.previous()
    now, before = region_branch_totals(session, scope, region.id)
    rows = session.execute(
        select(Branch.id, Branch.code, Branch.name, Branch.active).where(Branch.region_id == region.id)
    ).all()
    branches = [
        (id_, code, name) for id_, code, name, active in rows if active or id_ in now
    ]  # off: shown while counted
    targets = region_targets(session, region.id, scope)
    standings = tuple(replace(s, below_target=targets.below(s.score)) for s in ranked(branches, now, before))
    score = mean_of_sums(t.sums for t in now.values())
    previous_score = mean_of_sums(t.sums for t in before.values())
    return League(
        region_id=region.id,
        region_code=region.code,
        region_name=region.name,
        period=scope.period,
        previous_period=previous,
        template_id=scope.template_id,
        score=publish(score),
        previous_score=publish(previous_score),
        change=difference(score, previous_score),
        branches_scored=sum(1 for t in now.values() if t.sums.n),
        visits=sum(t.visits for t in now.values()),
        scored_visits=sum(t.sums.n for t in now.values()),
        standings=standings,
        targets=targets,
    )
