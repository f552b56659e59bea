"""Score roll-ups as JSON: region summaries and league tables, branch trends, sections, questions, critical failures."""

from __future__ import annotations

from flask_login import current_user

from server.api.base import BEARER, Blueprint
from server.api.scores_schemas import (
    CriticalFailuresSchema,
    LeagueSchema,
    QuestionsSchema,
    RegionListSchema,
    SectionsSchema,
    TrendSchema,
)
from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.http.score_args import TREND_DEFAULT_DAYS, PeriodArgs, TrendArgs, scope_or_422
from server.models import Branch, Region
from server.permissions import READER_ROLES
from server.services import scores
from server.services.org.queries import visible_regions
from server.services.scores import stats

COUNTED = (
    "Only approved visits with every photo received count, finished between `from` and `to` (UTC dates, "
    "inclusive). Admins see every region, managers their own (others answer 404), shoppers get 403."
)

blp = Blueprint(
    "scores",
    __name__,
    url_prefix="/api/v1/scores",
    description=(
        "Score roll-ups. Branch score = mean of its visits' scores (unscored visits are counted, not averaged); "
        "region score = mean of its branches' scores. " + COUNTED + "\n\n" + stats.__doc__.split("\n\n", 1)[1]
    ),
)


def _region(region_id: int) -> Region:
    return get_visible_or_404(Region, region_id)


def _branch(branch_id: int) -> Branch:
    return get_visible_or_404(Branch, branch_id)


def _common(scope: scores.Scope, **extra) -> dict:
    return {"period": scope.period, "template_id": scope.template_id, **extra}


def documented(view):
    """The decorations every score endpoint shares: bearer auth and its 401/403/404/422 answers."""
    for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND"), (422, "UNPROCESSABLE_ENTITY")):
        view = blp.alt_response(status, response=name)(view)
    return blp.doc(security=BEARER)(view)


@blp.route("/regions", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, RegionListSchema)
@documented
def regions(args):
    """Every region the caller may see, with its score, counts and change against the previous period."""
    scope = scope_or_422(args)
    visible = visible_regions(db.session, current_user)
    return _common(scope, regions=scores.region_summaries(db.session, visible, scope))


@blp.route("/regions/<int:region_id>/league", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, LeagueSchema)
@documented
def league(args, region_id: int):
    """The region's league table: branches by score with 95 % intervals, change, rank and rank uncertainty.

    Each branch: mean score of its visits, a Student-t 95 % interval (none below two visits), the change
    against the previous period of the same length, a competition rank (ties share it) and `rank_uncertain`
    when its interval overlaps the one of the branch ranked just above or below. Branches without scored
    visits come last, unranked. `pass_mark` is the visit pass mark of the newest checklist version counted in
    the period; `below_target` (region and each branch) says whether the score is below it, null when there is
    no pass mark or no score.
    """
    region = _region(region_id)
    result = scores.region_league(db.session, region, scope_or_422(args))
    targets = {
        "pass_mark": result.pass_mark,
        "below_target": result.below_target,
        "branches_below_target": result.branches_below_target,
        "section_pass_marks": {key: float(mark) for key, mark in result.targets.sections.items()},
    }
    return {**vars(result), **targets, "region": region}


@blp.route("/regions/<int:region_id>/trend", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(TrendArgs, location="query")
@blp.response(200, TrendSchema)
@documented
def region_trend(args, region_id: int):
    """The region's score (mean of its branches' scores) per ISO week or calendar month, empty buckets included."""
    region = _region(region_id)
    scope = scope_or_422(args, TREND_DEFAULT_DAYS)
    return _common(
        scope, region=region, by=args["by"], buckets=scores.region_trend(db.session, region, scope, args["by"])
    )


@blp.route("/branches/<int:branch_id>/trend", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(TrendArgs, location="query")
@blp.response(200, TrendSchema)
@documented
def branch_trend(args, branch_id: int):
    """The branch's mean score per ISO week (Monday first) or calendar month, empty buckets included."""
    branch = _branch(branch_id)
    scope = scope_or_422(args, TREND_DEFAULT_DAYS)
    return _common(
        scope,
        branch=branch,
        region=branch.region,
        by=args["by"],
        buckets=scores.branch_trend(db.session, branch, scope, args["by"]),
    )


@blp.route("/branches/<int:branch_id>/sections", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, SectionsSchema)
@documented
def branch_sections(args, branch_id: int):
    """Section averages of the branch against its region's (mean of the region's branches), in checklist order."""
    branch = _branch(branch_id)
    scope = scope_or_422(args)
    return _common(scope, branch=branch, sections=scores.branch_sections(db.session, branch, scope))


@blp.route("/branches/<int:branch_id>/questions", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, QuestionsSchema)
@documented
def branch_questions(args, branch_id: int):
    """Question pass rates, weakest first: rate = sum(earned) / sum(possible) over answers that could score."""
    branch = _branch(branch_id)
    scope = scope_or_422(args)
    return _common(scope, branch=branch, questions=scores.question_rates(db.session, branch, scope))


@blp.route("/branches/<int:branch_id>/critical-failures", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, CriticalFailuresSchema)
@documented
def branch_critical_failures(args, branch_id: int):
    """Every failed critical item at the branch in the period, newest visit first, with the visit it was in."""
    branch = _branch(branch_id)
    scope = scope_or_422(args)
    failures = scores.critical_failures(db.session, branch, scope)
    return _common(scope, branch=branch, total=len(failures), failures=failures)
