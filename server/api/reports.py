"""PDF downloads: one visit, one branch over a period, one region over a period (admins and managers)."""
from __future__ import annotations

from io import BytesIO

from flask import send_file
from flask_login import current_user

from server.extensions import db
from server.models import Branch, Region, Visit
from server.permissions import get_visible_or_404, login_required_role
from server.services.reports.files import ReportFile, branch_pdf, region_pdf, visit_pdf
from server.services.accounts.shopper_labels import labels_for
from server.storage import current_storage
from server.api.base import BEARER, Blueprint
from server.api.score_args import PeriodArgs, scope_or_422

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description=(
    "PDF reports built from the same services as /api/v1/scores, so they show the same numbers. Admins may "
    "download every report, managers those of their regions (others answer 404); shoppers get 403. The web "
    "pages link the same reports under /reports/... for signed-in browsers. Managers see each shopper as a stable "
    "pseudonym (\"Shopper 4821\") while the organisation setting shopper_pseudonyms is on (the default); admins "
    "see names."))

READERS = ("admin", "manager")
PDF_CONTENT = {"200": {"description": "The report, as a PDF attachment.",
                       "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def send_report(report: ReportFile):
    """The PDF as an attachment, never cached by shared caches."""
    response = send_file(BytesIO(report.content), mimetype=report.mimetype, as_attachment=True,
                         download_name=report.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def visit_download(visit_id: str):
    """The visit report of a visit the caller may see (404 otherwise)."""
    visit = get_visible_or_404(Visit, visit_id)
    return send_report(visit_pdf(visit, current_storage(), labels=labels_for(current_user)))


def branch_download(branch_id: int, args: dict):
    """The branch report for the period in `args`."""
    branch = get_visible_or_404(Branch, branch_id)
    return send_report(branch_pdf(db.session, branch, scope_or_422(args), labels=labels_for(current_user)))


def region_download(region_id: int, args: dict):
    """The region report for the period in `args`."""
    region = get_visible_or_404(Region, region_id)
    return send_report(region_pdf(db.session, region, scope_or_422(args)))


def documented(view):
    """Bearer auth and the error answers every download shares."""
    for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND")):
        view = blp.alt_response(status, response=name)(view)
    return blp.doc(security=BEARER, responses=PDF_CONTENT)(view)


@blp.route("/visits/<visit_id>.pdf", methods=["GET"])
@login_required_role(*READERS)
@blp.response(200)
@documented
def visit_report(visit_id: str):
    """One visit: score, critical failures, sections, every answer with its comment and photos."""
    return visit_download(visit_id)


@blp.route("/branches/<int:branch_id>.pdf", methods=["GET"])
@login_required_role(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@documented
def branch_report(args, branch_id: int):
    """A branch over a period: score with its 95 % interval and rank, trend, sections against the region,
    weakest questions, critical failures and the visits counted."""
    return branch_download(branch_id, args)


@blp.route("/regions/<int:region_id>.pdf", methods=["GET"])
@login_required_role(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@documented
def region_report(args, region_id: int):
    """A region over a period: league table with intervals and changes, score distribution, section heat map."""
    return region_download(region_id, args)
