"""The stored per-day question roll-up (models/rollups.py QuestionDay): its one defining query, refresh and rebuild.

A row holds, for one region, UTC day, checklist version and question, the count and the earned and
possible points of the counted answers that could earn points (`filters.counted` without the period,
possible > 0, earned known). Whatever changes which answers count on a region-day (a review decision, a
photo arriving, a branch moving region) refreshes that region-day at commit (`marks.py`): its rows are
deleted and recomputed by the same query a full rebuild uses, so stored and recomputed cannot drift
apart by arithmetic, only by a write that bypasses the ORM (then `fieldaudit scores rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, delete, func, insert, select, tuple_

from server.extensions import DbSession
from server.models import Answer, Branch, QuestionDay, Visit, VisitStatus
from server.services.scores.buckets import day_of
from server.services.scores.filters import Period, complete

COLUMNS = ("region_id", "day", "template_version_id", "question_key", "answered", "earned", "possible")


def computed(*where) -> Select:
    """The roll-up rows recomputed from the answers, for the region-days `where` selects (on Visit and Branch)."""
    day = day_of(Visit.finished_at)
    return (
        select(
            Branch.region_id,
            day,
            Visit.template_version_id,
            Answer.question_key,
            func.count(),
            func.sum(Answer.earned),
            func.sum(Answer.possible),
        )
        .join(Visit, Visit.id == Answer.visit_id)
        .join(Branch, Branch.id == Visit.branch_id)
        .where(
            Visit.status == VisitStatus.APPROVED,
            Visit.outcome_reason.is_(None),
            complete(),
            Answer.possible > 0,
            Answer.earned.is_not(None),
            *where,
        )
        .group_by(Branch.region_id, day, Visit.template_version_id, Answer.question_key)
    )


def refresh(session: DbSession, slices: Iterable[tuple[int, date]]) -> None:
    """Recompute the stored rows of these (region id, day) pairs in the caller's transaction (two statements)."""
    slices = sorted(set(slices))
    if not slices:
        return
    session.execute(delete(QuestionDay).where(tuple_(QuestionDay.region_id, QuestionDay.day).in_(slices)))
    days = [day for _, day in slices]  # the bounds let the finished_at index narrow the scan to those days
    start, end = Period(min(days), max(days)).bounds()
    session.execute(
        insert(QuestionDay).from_select(
            COLUMNS,
            computed(
                Visit.finished_at >= start,
                Visit.finished_at < end,
                tuple_(Branch.region_id, day_of(Visit.finished_at)).in_(slices),
            ),
        )
    )


def rebuild(session: DbSession) -> int:
    """Replace every stored row by the recomputed ones (the CLI's `scores rebuild`); returns the rows stored."""
    session.execute(delete(QuestionDay))
    session.execute(insert(QuestionDay).from_select(COLUMNS, computed()))
    return session.execute(select(func.count()).select_from(QuestionDay)).scalar_one()
