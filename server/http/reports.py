"""The PDF report downloads both edges serve: the API under /api/v1/reports, the web pages under /reports."""

from __future__ import annotations

from io import BytesIO

from flask import send_file
from flask_login import current_user

from server.extensions import db
from server.http.access import get_visible_or_404
from server.http.score_args import scope_or_422
from server.models import Branch, Region, Visit
from server.services.accounts.shopper_labels import labels_for
from server.services.reports.files import ReportFile, branch_pdf, region_pdf, visit_pdf
from server.storage import current_storage


def send_report(report: ReportFile):
    """The PDF as an attachment, never cached by shared caches."""
    response = send_file(
        BytesIO(report.content), mimetype=report.mimetype, as_attachment=True, download_name=report.filename
    )
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
