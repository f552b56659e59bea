"""Question pass rates (weakest first) and critical failures of a branch, from the stored per-answer points.

Pass rate = sum(earned) / sum(possible) over the branch's counted answers that could earn points
(possible > 0; N/A, hidden and unscored answers have no possible points): partial credit counts, so a
scale answered 4 of 5 adds 0.75. `full_marks` is the share of those answers that earned everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Integer, case, func, select

from server.extensions import DbSession
from server.models import Answer, Branch, Visit
from server.services.scores.cache import rollup
from server.services.scores.filters import Scope, counted
from server.services.scores.labels import Labels, labels_for, versions_of
from server.services.scores.stats import publish


@dataclass(frozen=True)
class QuestionRate:
    """One question at one branch: answers that counted, points, pass rate and full-marks share (percent)."""

    key: str
    text: str
    section_key: str
    section_title: str
    critical: bool
    answered: int
    earned: float
    possible: float
    rate: float
    full_marks: float


@dataclass(frozen=True)
class CriticalFailureItem:
    """A critical question that earned nothing, with the visit it happened in."""

    visit_id: uuid.UUID
    finished_at: datetime
    question_key: str
    question_text: str
    section_key: str
    section_title: str
    comment: str
    visit_score: float | None
    zeroed: bool
    flagged: bool


@rollup
def question_rates(session: DbSession, branch: Branch, scope: Scope) -> list[QuestionRate]:
    """The branch's questions, weakest pass rate first (ties: fewer full marks first, then by key)."""
    mine = [*counted(scope), Visit.branch_id == branch.id]
    full = func.sum(case((Answer.earned >= Answer.possible, 1), else_=0).cast(Integer))
    query = (
        select(Answer.question_key, func.count(), func.sum(Answer.earned), func.sum(Answer.possible), full)
        .join(Visit, Visit.id == Answer.visit_id)
        .where(*mine, Answer.possible > 0, Answer.earned.is_not(None))
        .group_by(Answer.question_key)
    )
    rows = session.execute(query).all()
    if not rows:
        return []
    labels = labels_for(session, versions_of(session, *mine))
    rates = []
    for key, answered, earned, possible, full_count in rows:
        # sums over at least one answer, each with points earned and possible (the WHERE): never null
        assert earned is not None and possible is not None
        label = labels.question(key)
        rates.append(
            QuestionRate(
                key=key,
                text=label.text,
                section_key=label.section_key,
                section_title=labels.section_title(label.section_key),
                critical=label.critical,
                answered=int(answered),
                earned=float(earned),
                possible=float(possible),
                rate=publish(Fraction(float(earned)) * 100 / Fraction(float(possible))),
                full_marks=publish(Fraction(100 * int(full_count), int(answered))),
            )
        )
    return sorted(rates, key=lambda r: (r.rate, r.full_marks, r.key))


@rollup
def critical_failures(session: DbSession, branch: Branch, scope: Scope) -> list[CriticalFailureItem]:
    """Every critical failure in the branch's counted visits, newest visit first, in checklist order."""
    query = (
        select(
            Answer.visit_id,
            Visit.template_version_id,
            Visit.finished_at,
            Answer.question_key,
            Answer.section_key,
            Answer.comment,
            Visit.score_percent,
            Visit.zeroed,
            Visit.flagged,
        )
        .join(Visit, Visit.id == Answer.visit_id)
        .where(*counted(scope), Visit.branch_id == branch.id, Answer.critical_failure.is_(True))
        .order_by(Visit.finished_at.desc(), Visit.id, Answer.position)
    )
    rows = session.execute(query).all()
    labels = labels_for(session, {row.template_version_id for row in rows})
    return [critical_failure_item(row, labels) for row in rows]


def critical_failure_item(row: Any, labels: Labels) -> CriticalFailureItem:
    """One failed critical answer of a visit, worded with its checklist version's labels (branch and region lists)."""
    return CriticalFailureItem(
        visit_id=row.visit_id,
        finished_at=row.finished_at,
        question_key=row.question_key,
        question_text=labels.question(row.question_key, row.section_key).text,
        section_key=row.section_key,
        section_title=labels.section_title(row.section_key),
        comment=row.comment or "",
        visit_score=row.score_percent,
        zeroed=row.zeroed,
        flagged=row.flagged,
    )
