"""A region's critical failures, newest first: one query for the newest `limit` with the total count alongside."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, over, select

from server.extensions import DbSession
from server.models import Answer, Branch, Region, Visit
from server.services.scores.cache import rollup
from server.services.scores.filters import Scope, counted
from server.services.scores.questions import CriticalFailureItem, critical_failure_item
from server.services.scores.region_questions import region_labels


@dataclass(frozen=True)
class BranchRef:
    """The branch a failure happened at, as a page names and links it."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class RegionFailure:
    """A critical failure with the branch it happened at."""

    branch: BranchRef
    item: CriticalFailureItem


@dataclass(frozen=True)
class RegionFailures:
    """The newest `limit` critical failures of a region and how many there were in the period."""

    rows: tuple[RegionFailure, ...]
    total: int


@rollup
def region_critical_failures(session: DbSession, region: Region, scope: Scope, limit: int) -> RegionFailures:
    """The region's newest `limit` critical failures (newest visit first, then visit, then checklist order).

    One statement: the LIMITed rows carry COUNT(*) OVER () for the total, so the count costs no second scan.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1 (the total rides on the rows)")
    query = (
        select(
            Answer.visit_id,
            Visit.finished_at,
            Answer.question_key,
            Answer.section_key,
            Answer.comment,
            Visit.score_percent,
            Visit.zeroed,
            Visit.flagged,
            Branch.id,
            Branch.code,
            Branch.name,
            over(func.count()).label("total"),
        )
        .join(Visit, Visit.id == Answer.visit_id)
        .join(Branch, Branch.id == Visit.branch_id)
        .where(*counted(scope), Branch.region_id == region.id, Answer.critical_failure.is_(True))
        .order_by(Visit.finished_at.desc(), Visit.id, Answer.position)
        .limit(limit)
    )
    found = session.execute(query).all()
    if not found:
        return RegionFailures((), 0)
    labels = region_labels(session, region.id, scope)
    rows = tuple(
        RegionFailure(
            BranchRef(row[8], row[9], row[10]),
            critical_failure_item(row, labels),
        )
        for row in found
    )
    return RegionFailures(rows, int(found[0].total))
