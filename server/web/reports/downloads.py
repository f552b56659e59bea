"""The PDF reports for signed-in browsers (/reports/...): the API's downloads (server.http.reports), by session."""

from __future__ import annotations

from flask import Blueprint, request

from server.http.access import login_required_role
from server.http.reports import branch_download, region_download, visit_download
from server.http.score_args import PeriodArgs, load_query_or_422
from server.permissions import READER_ROLES

bp = Blueprint("report_downloads", __name__, url_prefix="/reports")


@bp.route("/visits/<visit_id>.pdf")
@login_required_role(*READER_ROLES)
def visit_report(visit_id: str):
    """The visit report, for the web pages' links."""
    return visit_download(visit_id)


@bp.route("/branches/<int:branch_id>.pdf")
@login_required_role(*READER_ROLES)
def branch_report(branch_id: int):
    """The branch report for ?from=&to=&template_id=."""
    return branch_download(branch_id, load_query_or_422(PeriodArgs(), request.args))


@bp.route("/regions/<int:region_id>.pdf")
@login_required_role(*READER_ROLES)
def region_report(region_id: int):
    """The region report for ?from=&to=&template_id=."""
    return region_download(region_id, load_query_or_422(PeriodArgs(), request.args))
