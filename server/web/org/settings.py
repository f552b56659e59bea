"""The admin page "Organisation settings" (/admin/settings): every setting of the registry, checked, saved, logged."""

from __future__ import annotations

from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.services.org.settings import current_settings, save_settings, settings_from_form
from server.services.org.settings_registry import SETTINGS
from server.web.common import attempt
from server.web.org.blueprint import bp


def _page(values: dict, errors: dict, status: int = 200):
    sections = [(title, list(specs)) for title, specs in groupby(SETTINGS, key=lambda spec: spec.section)]
    return render_template("org/settings.html", sections=sections, values=values, errors=errors), status


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Show the settings (defaults until an admin changes one); save a changed form, naming any wrong field."""
    if request.method == "GET":
        current = current_settings()
        return _page({spec.key: getattr(current, spec.key) for spec in SETTINGS}, {})
    values, errors = settings_from_form(request.form)
    if not errors:
        _, errors = attempt(save_settings, db.session, current_user, values)
        if not errors:
            flash("Organisation settings saved.", "success")
            return redirect(url_for("org.settings"))
    shown = {spec.key: values.get(spec.key, request.form.get(spec.key, "")) for spec in SETTINGS}
    return _page(shown, errors, 422)
