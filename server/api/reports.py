"""PDF downloads: one visit, one branch over a period, one region over a period (admins and managers)."""

from __future__ import annotations

from server.api.base import BEARER, Blueprint
from server.http.access import login_required_role
from server.http.reports import branch_download, region_download, visit_download
from server.http.score_args import PeriodArgs
from server.permissions import READER_ROLES

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description=(
        "PDF reports built from the same services as /api/v1/scores, so they show the same numbers. Admins may "
        "download every report, managers those of their regions (others answer 404); shoppers get 403. The web "
        "pages link the same reports under /reports/... for signed-in browsers. Managers see each shopper as a stable "
        'pseudonym ("Shopper 4821") while the organisation setting shopper_pseudonyms is on (the default); admins '
        "see names."
    ),
)

PDF_CONTENT = {
    "200": {
        "description": "The report, as a PDF attachment.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def documented(view):
    """Bearer auth and the error answers every download shares."""
    for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND")):
        view = blp.alt_response(status, response=name)(view)
    return blp.doc(security=BEARER, responses=PDF_CONTENT)(view)


@blp.route("/visits/<visit_id>.pdf", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.response(200)
@documented
def visit_report(visit_id: str):
    """One visit: score, critical failures, sections, every answer with its comment and photos."""
    return visit_download(visit_id)


@blp.route("/branches/<int:branch_id>.pdf", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@documented
def branch_report(args, branch_id: int):
    """A branch over a period: score with its 95 % interval and rank, trend, sections against the region,
    weakest questions, critical failures and the visits counted."""
    return branch_download(branch_id, args)


@blp.route("/regions/<int:region_id>.pdf", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@documented
def region_report(args, region_id: int):
    """A region over a period: league table with intervals and changes, score distribution, section heat map."""
    return region_download(region_id, args)
