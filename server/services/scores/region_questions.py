"""A region's weakest questions, from the stored per-day roll-up (`question_days`), weakest first.

Rate = sum(earned) / sum(possible) over the region's counted answers that could earn points, i.e. each
branch's points combined (not an average of the branches' rates), as `questions.question_rates` does for
one branch. The sums are read from QuestionDay rows (a region, day, version and question each), so the
cost is bounded by days x questions, not by answers. Labels come from the versions in those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Branch, QuestionDay, Region, TemplateVersion, Visit
from server.services.scores.cache import rollup
from server.services.scores.filters import Scope, counted
from server.services.scores.labels import Labels, labels_for, versions_of
from server.services.scores.stats import publish


@dataclass(frozen=True)
class RegionQuestion:
    """A question's pass rate over a region's counted answers: sum(earned) / sum(possible), as for a branch."""

    text: str
    section_title: str
    critical: bool
    answered: int
    rate: float


@dataclass(frozen=True)
class RegionQuestions:
    """The `limit` weakest questions of a region and how many questions had scored answers in all."""

    rows: tuple[RegionQuestion, ...]
    total: int


def in_region(region_id: int):
    """WHERE condition on Visit: the visit was at a branch of this region."""
    return Visit.branch_id.in_(select(Branch.id).where(Branch.region_id == region_id))


@rollup
def region_labels(session: DbSession, region_id: int, scope: Scope) -> Labels:
    """Labels of the checklist versions behind the region's counted visits (two small queries, cached)."""
    return labels_for(session, versions_of(session, *counted(scope), in_region(region_id)))


@rollup
def region_question_rates(session: DbSession, region: Region, scope: Scope, limit: int) -> RegionQuestions:
    """The region's `limit` weakest questions (ties by text) from one GROUP BY over its stored question days.

    A question's rows are bounded by the checklist, not by visits or branches, so they are ranked here.
    """
    query = (
        select(
            QuestionDay.question_key,
            QuestionDay.template_version_id,
            func.sum(QuestionDay.answered),
            func.sum(QuestionDay.earned),
            func.sum(QuestionDay.possible),
        )
        .where(
            QuestionDay.region_id == region.id,
            QuestionDay.day >= scope.period.start,
            QuestionDay.day <= scope.period.end,
        )
        .group_by(QuestionDay.question_key, QuestionDay.template_version_id)
    )
    if scope.template_id is not None:
        query = query.where(
            QuestionDay.template_version_id.in_(
                select(TemplateVersion.id).where(TemplateVersion.template_id == scope.template_id)
            )
        )
    grouped = session.execute(query).all()
    labels = labels_for(session, {version for _, version, *_ in grouped}) if grouped else Labels()
    sums: dict[str, list] = {}
    for key, _version, answered, earned, possible in grouped:
        total = sums.setdefault(key, [0, 0.0, 0.0])
        total[0], total[1], total[2] = total[0] + int(answered), total[1] + float(earned), total[2] + float(possible)
    rows = []
    for key, (answered, earned, possible) in sums.items():
        if not possible:
            continue
        label = labels.question(key)
        rows.append(
            RegionQuestion(
                text=label.text,
                section_title=labels.section_title(label.section_key),
                critical=label.critical,
                answered=answered,
                rate=publish(Fraction(earned) * 100 / Fraction(possible)),
            )
        )
    rows.sort(key=lambda q: (q.rate, q.text))
    return RegionQuestions(tuple(rows[:limit]), len(rows))
