"""Region summaries: every region's score (mean of its branches' scores) with its counts and change, in one go."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Branch, Region
from server.services.scores.cache import rollup
from server.services.scores.filters import Period, Scope
from server.services.scores.stats import difference, mean_of, publish
from server.services.scores.targets import NO_TARGETS, regions_targets
from server.services.scores.totals import branch_totals


@dataclass(frozen=True)
class RegionSummary:
    """One region's headline for a period: score, how many branches and visits are behind it, change."""

    region_id: int
    code: str
    name: str
    period: Period
    score: float | None
    previous_score: float | None
    change: float | None
    branches: int
    branches_scored: int
    visits: int
    scored_visits: int
    pass_mark: float | None = None
    """The pass mark of the newest checklist version counted in the region's period (scores.targets)."""
    below_target: bool | None = None
    """Whether the region score is below that pass mark (None: no pass mark or no score)."""


def _means_by_region(totals) -> dict[int, list]:
    means = defaultdict(list)
    for t in totals.values():
        if t.mean is not None:
            means[t.region_id].append(t.mean)
    return means


@rollup
def region_summaries(session: DbSession, regions: Sequence[Region], scope: Scope) -> list[RegionSummary]:
    """Summaries of `regions` in their given order: two aggregate queries, a branch count and the targets."""
    ids = [r.id for r in regions]
    if not ids:
        return []
    now, before = branch_totals(session, scope, ids)
    active = dict(
        session.execute(
            select(Branch.region_id, func.count(Branch.id))
            .where(Branch.region_id.in_(ids), Branch.active.is_(True))
            .group_by(Branch.region_id)
        ).all()
    )
    targets = regions_targets(session, ids, scope)
    means_now, means_before = _means_by_region(now), _means_by_region(before)
    summaries = []
    for region in regions:
        mine = [t for t in now.values() if t.region_id == region.id]
        score, previous = mean_of(means_now[region.id]), mean_of(means_before[region.id])
        target = targets.get(region.id, NO_TARGETS)
        summaries.append(
            RegionSummary(
                region_id=region.id,
                code=region.code,
                name=region.name,
                period=scope.period,
                score=publish(score),
                previous_score=publish(previous),
                change=difference(score, previous),
                branches=active.get(region.id, 0),
                branches_scored=len(means_now[region.id]),
                visits=sum(t.visits for t in mine),
                scored_visits=sum(t.sums.n for t in mine),
                pass_mark=None if target.pass_mark is None else float(target.pass_mark),
                below_target=target.below(publish(score)),
            )
        )
    return summaries
