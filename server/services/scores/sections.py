"""Section averages from visit_section_scores: a branch against its region, and the region's branch x section grid.

A branch's section percent is the mean of that section's percent over its counted visits (visits where
the section scored nothing are left out); the region's is the mean of its branches' section percents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Branch, Region, Visit, VisitSectionScore
from server.services.scores.cache import rollup
from server.services.scores.filters import Scope, counted
from server.services.scores.labels import Labels
from server.services.scores.region_questions import in_region, region_labels
from server.services.scores.stats import Sums, difference, mean_of, publish
from server.services.scores.totals import score_sums


@dataclass(frozen=True)
class SectionAverage:
    """One section: the branch's mean percent and scored visits, the region's mean over its branches."""

    key: str
    title: str
    branch_percent: float | None
    branch_visits: int
    region_percent: float | None
    region_branches: int
    difference: float | None


@dataclass(frozen=True)
class SectionGrid:
    """Section percent per branch of a region: `sections` are (key, title) in checklist order."""

    sections: tuple[tuple[str, str], ...]
    percents: dict[int, dict[str, float | None]]
    region: dict[str, float | None]


@rollup
def _totals(session: DbSession, region_id: int, scope: Scope) -> tuple[dict[int, dict[str, Sums]], Labels]:
    """branch -> section key -> Sums for a region's branches (one GROUP BY, cached), with the sections' labels."""
    query = (
        select(Visit.branch_id, VisitSectionScore.section_key, *score_sums(VisitSectionScore.percent))
        .join(Visit, Visit.id == VisitSectionScore.visit_id)
        .where(*counted(scope), in_region(region_id))
        .group_by(Visit.branch_id, VisitSectionScore.section_key)
    )
    grid: dict[int, dict[str, Sums]] = defaultdict(dict)
    for branch_id, key, n, total, squares in session.execute(query):
        grid[branch_id][key] = Sums.of(n, total, squares)
    return grid, region_labels(session, region_id, scope)


def _region_means(grid: dict[int, dict[str, Sums]]) -> tuple[dict, dict]:
    means: defaultdict[str, list[Fraction]] = defaultdict(list)
    counts: defaultdict[str, int] = defaultdict(int)
    for sections in grid.values():
        for key, sums in sections.items():
            mean = sums.mean()
            if mean is not None:  # the section has scores
                means[key].append(mean)
                counts[key] += 1
    return {key: mean_of(values) for key, values in means.items()}, counts


def _keys(grid: dict[int, dict[str, Sums]], labels: Labels) -> list[str]:
    return sorted({key for sections in grid.values() for key in sections}, key=labels.section_order)


def branch_sections(session: DbSession, branch: Branch, scope: Scope) -> list[SectionAverage]:
    """Every section seen in the branch's region, in checklist order, the branch's mean against the region's."""
    grid, labels = _totals(session, branch.region_id, scope)
    region, counts = _region_means(grid)
    mine = grid.get(branch.id, {})
    rows = []
    for key in _keys(grid, labels):
        sums = mine.get(key, Sums())
        rows.append(
            SectionAverage(
                key=key,
                title=labels.section_title(key),
                branch_percent=publish(sums.mean()),
                branch_visits=sums.n,
                region_percent=publish(region.get(key)),
                region_branches=counts[key],
                difference=difference(sums.mean(), region.get(key)),
            )
        )
    return rows


def section_grid(session: DbSession, region: Region, scope: Scope) -> SectionGrid:
    """The heat map data: each branch's section percents (branches with no visits are absent)."""
    grid, labels = _totals(session, region.id, scope)
    keys = _keys(grid, labels)
    region_means, _ = _region_means(grid)
    return SectionGrid(
        sections=tuple((key, labels.section_title(key)) for key in keys),
        percents={
            branch_id: {key: publish(sections.get(key, Sums()).mean()) for key in keys}
            for branch_id, sections in grid.items()
        },
        region={key: publish(region_means.get(key)) for key in keys},
    )
