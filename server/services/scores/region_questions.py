"""A region's weakest questions: one GROUP BY over every counted answer of its branches, weakest first.

Rate = sum(earned) / sum(possible) over the region's counted answers that could earn points, i.e. each
branch's points combined (not an average of the branches' rates), as `questions.question_rates` does for
one branch. Labels come from the versions behind the region's counted visits (`region_labels`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Answer, Branch, Region, Visit
from .cache import rollup
from .filters import Scope, counted
from .labels import Labels, labels_for, versions_of
from .stats import publish


@dataclass(frozen=True)
class RegionQuestion:
    """A question's pass rate over a region's counted answers: sum(earned) / sum(possible), as for a branch."""

    text: str
    section_title: str
    critical: bool
    answered: int
    rate: float
    branches: int


@dataclass(frozen=True)
class RegionQuestions:
    """The `limit` weakest questions of a region and how many questions had scored answers in all."""

    rows: tuple[RegionQuestion, ...]
    total: int


def in_region(region_id: int):
    """WHERE condition on Visit: the visit was at a branch of this region."""
    return Visit.branch_id.in_(select(Branch.id).where(Branch.region_id == region_id))


@rollup
def region_labels(session: Session, region_id: int, scope: Scope) -> Labels:
    """Labels of the checklist versions behind the region's counted visits (two small queries, cached)."""
    return labels_for(session, versions_of(session, *counted(scope), in_region(region_id)))


@rollup
def region_question_rates(session: Session, region: Region, scope: Scope, limit: int) -> RegionQuestions:
    """The region's `limit` weakest questions (ties by text) from one GROUP BY question over its counted answers.

    A question's rows are bounded by the checklist, not by visits or branches, so they are ranked here.
    """
    query = (select(Answer.question_key, func.count(), func.sum(Answer.earned), func.sum(Answer.possible),
                    func.count(func.distinct(Visit.branch_id)))
             .join(Visit, Visit.id == Answer.visit_id)
             .where(*counted(scope), in_region(region.id), Answer.possible > 0, Answer.earned.is_not(None))
             .group_by(Answer.question_key))
    grouped = session.execute(query).all()
    labels = region_labels(session, region.id, scope) if grouped else Labels()
    rows = []
    for key, answered, earned, possible, branches in grouped:
        if not possible:
            continue
        label = labels.question(key)
        rows.append(RegionQuestion(
            text=label.text, section_title=labels.section_title(label.section_key), critical=label.critical,
            answered=int(answered), rate=publish(Fraction(float(earned)) * 100 / Fraction(float(possible))),
            branches=int(branches)))
    rows.sort(key=lambda q: (q.rate, q.text))
    return RegionQuestions(tuple(rows[:limit]), len(rows))
