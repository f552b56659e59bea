"""Score trends by ISO week or calendar month, bucketed and aggregated in SQL, empty buckets filled in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Branch, Region, Visit
from server.services.scores import buckets
from server.services.scores.cache import rollup
from server.services.scores.filters import Scope, counted
from server.services.scores.stats import Sums, mean_of, publish
from server.services.scores.totals import score_sums


@dataclass(frozen=True)
class TrendBucket:
    """One week or month: dates inside the period, counted and scored visits, mean score (None = no scores).

    For a region, score is the mean of the scores of the branches scored in that bucket.
    """

    label: str
    start: date
    end: date
    visits: int
    scored_visits: int
    score: float | None
    branches_scored: int


def _rows(session: DbSession, scope: Scope, by: str, where) -> dict[date, list[tuple[int, Sums]]]:
    """bucket start -> [(counted visits, score sums)] per branch, from one GROUP BY (bucket, branch)."""
    bucket = buckets.bucket_expression(by, Visit.finished_at).label("bucket")
    query = (
        select(bucket, Visit.branch_id, func.count(Visit.id), *score_sums(Visit.score_percent))
        .where(*counted(scope), *where)
        .group_by(bucket, Visit.branch_id)
    )
    found = defaultdict(list)
    for start, _branch, visits, n, total, squares in session.execute(query):
        found[start].append((int(visits), Sums.of(n, total, squares)))
    return found


def _fill(scope: Scope, by: str, rows: dict[date, list[tuple[int, Sums]]]) -> list[TrendBucket]:
    trend = []
    for start, first, last in buckets.calendar(scope.period, by):
        groups = rows.get(start, [])
        means = [mean for _, sums in groups if (mean := sums.mean()) is not None]  # those with scores
        trend.append(
            TrendBucket(
                label=buckets.label(start, by),
                start=first,
                end=last,
                visits=sum(v for v, _ in groups),
                scored_visits=sum(s.n for _, s in groups),
                score=publish(mean_of(means)),
                branches_scored=len(means),
            )
        )
    return trend


@rollup
def branch_trend(session: DbSession, branch: Branch, scope: Scope, by: str = "month") -> list[TrendBucket]:
    """The branch's mean score per week or month of the period, oldest first."""
    return _fill(scope, by, _rows(session, scope, by, [Visit.branch_id == branch.id]))


@rollup
def region_trend(session: DbSession, region: Region, scope: Scope, by: str = "month") -> list[TrendBucket]:
    """The region's score (mean of branch means) per week or month of the period, oldest first."""
    branches = select(Branch.id).where(Branch.region_id == region.id)
    return _fill(scope, by, _rows(session, scope, by, [Visit.branch_id.in_(branches)]))
