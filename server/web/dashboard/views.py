"""Manager dashboard (/dashboard): a region's league table, trend, distribution, failures; branch pages; CSV export."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.models import Branch, Region
from server.permissions import READER_ROLES
from server.services.accounts.shopper_labels import labels_for
from server.services.scores.queries import VISIT_COLUMNS, visit_rows
from server.web.dashboard.csv_export import csv_response
from server.web.dashboard.data import branch_view, region_view
from server.web.dashboard.period import chosen_region, page_period

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@login_required_role(*READER_ROLES)
def index():
    """The league table and charts of the chosen region for the chosen period."""
    period = page_period(request.args)
    regions, region = chosen_region(request.args)
    data = region_view(db.session, region, period.scope) if region else {}
    return render_template("dashboard/index.html", period=period, regions=regions, region=region, **data)


@bp.route("/branches/<int:branch_id>")
@login_required_role(*READER_ROLES)
def branch(branch_id: int):
    """One branch over the period: score, trend, sections against the region, weakest questions, visits."""
    found = get_visible_or_404(Branch, branch_id)
    period = page_period(request.args)
    return render_template(
        "dashboard/branch.html",
        branch=found,
        period=period,
        **branch_view(db.session, found, period.scope, labels_for(current_user)),
    )


@bp.route("/regions/<int:region_id>/visits.csv")
@login_required_role(*READER_ROLES)
def region_csv(region_id: int):
    """The visits behind the region's league table for the period, one row each."""
    region = get_visible_or_404(Region, region_id)
    scope = page_period(request.args).scope
    name = f"visits-{region.code}-{scope.period.start.isoformat()}-{scope.period.end.isoformat()}.csv"
    return csv_response(name, VISIT_COLUMNS, visit_rows(db.session, region, scope, labels_for(current_user)))
