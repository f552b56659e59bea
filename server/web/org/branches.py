"""Admin pages for the branches of a region: list, create, edit, deactivate/reactivate."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_or_404
from server.models import Branch, Region
from server.services.org.edit import add_branch, edit_branch, set_branch_active
from server.services.transactions import atomic
from server.web.common import attempt
from server.web.org.blueprint import bp
from server.web.org.common import wants_active

FIELDS = ("code", "name", "address", "latitude", "longitude")


def _branch_form(branch: Branch) -> dict:
    return {
        "code": branch.code,
        "name": branch.name,
        "address": branch.address,
        "latitude": "" if branch.latitude is None else f"{branch.latitude:g}",
        "longitude": "" if branch.longitude is None else f"{branch.longitude:g}",
    }


@bp.route("/regions/<int:region_id>/branches")
def branches(region_id: int):
    """A region's branches, active first."""
    region = get_or_404(Region, region_id)
    rows = sorted(region.branches, key=lambda b: (not b.active, b.code))
    return render_template("org/branches.html", region=region, branches=rows)


@bp.route("/regions/<int:region_id>/branches/new", methods=["GET", "POST"])
@shows_text_errors
def branch_new(region_id: int):
    """Add a branch to a region."""
    region = get_or_404(Region, region_id)
    form, errors = request.form, {}
    if request.method == "POST" and not (errors := form_text_errors()):
        branch, errors = attempt(add_branch, db.session, current_user, region, {f: form.get(f, "") for f in FIELDS})
        if not errors:
            flash(f"Branch {branch.code} created.", "success")
            return redirect(url_for("org.branches", region_id=region.id))
    return render_template(
        "org/branch_form.html", region=region, branch=None, form=form, errors=errors
    ), 422 if errors else 200


@bp.route("/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@shows_text_errors
def branch_edit(branch_id: int):
    """Edit a branch."""
    branch = get_or_404(Branch, branch_id)
    form, errors = (request.form if request.method == "POST" else _branch_form(branch)), {}
    if request.method == "POST" and not (errors := form_text_errors()):
        _, errors = attempt(edit_branch, db.session, current_user, branch, {f: form.get(f, "") for f in FIELDS})
        if not errors:
            flash(f"Branch {branch.code} saved.", "success")
            return redirect(url_for("org.branches", region_id=branch.region_id))
    return render_template(
        "org/branch_form.html", region=branch.region, branch=branch, form=form, errors=errors
    ), 422 if errors else 200


@bp.route("/branches/<int:branch_id>/active", methods=["POST"])
def branch_active(branch_id: int):
    """Deactivate (phones drop it) or reactivate a branch."""
    with atomic(db.session):
        branch = set_branch_active(db.session, current_user, get_or_404(Branch, branch_id), wants_active())
    flash(f"Branch {branch.code} {'reactivated' if branch.active else 'deactivated'}.", "success")
    return redirect(url_for("org.branches", region_id=branch.region_id))
