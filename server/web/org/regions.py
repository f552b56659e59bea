"""Admin pages for the organisation's regions (branches, the CSV import, users and settings: the package's other modules)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_or_404
from server.models import Region
from server.services.org.edit import add_region, edit_region, region_branch_counts, set_region_active
from server.services.transactions import atomic
from server.web.common import attempt
from server.web.org.blueprint import bp
from server.web.org.common import wants_active


@bp.route("/regions")
def regions():
    """Every region with its branch counts."""
    return render_template("org/regions.html", rows=region_branch_counts(db.session))


@bp.route("/regions/new", methods=["GET", "POST"])
@shows_text_errors
def region_new():
    """Create a region."""
    form, errors = request.form, {}
    if request.method == "POST" and not (errors := form_text_errors()):
        region, errors = attempt(
            add_region, db.session, current_user, code=form.get("code", ""), name=form.get("name", "")
        )
        if not errors:
            flash(f"Region {region.code} created.", "success")
            return redirect(url_for("org.branches", region_id=region.id))
    return render_template("org/region_form.html", region=None, form=form, errors=errors), 422 if errors else 200


@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
@shows_text_errors
def region_edit(region_id: int):
    """Edit a region's code and name."""
    region = get_or_404(Region, region_id)
    form, errors = (request.form if request.method == "POST" else {"code": region.code, "name": region.name}), {}
    if request.method == "POST" and not (errors := form_text_errors()):
        _, errors = attempt(
            edit_region, db.session, current_user, region, code=form.get("code", ""), name=form.get("name", "")
        )
        if not errors:
            flash(f"Region {region.code} saved.", "success")
            return redirect(url_for("org.regions"))
    return render_template("org/region_form.html", region=region, form=form, errors=errors), 422 if errors else 200


@bp.route("/regions/<int:region_id>/active", methods=["POST"])
def region_active(region_id: int):
    """Deactivate or reactivate a region."""
    with atomic(db.session):
        region = set_region_active(db.session, current_user, get_or_404(Region, region_id), wants_active())
    flash(f"Region {region.code} {'reactivated' if region.active else 'deactivated'}.", "success")
    return redirect(url_for("org.regions"))
