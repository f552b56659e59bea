"""Web pages for admins and managers (and shoppers at a desk), signed in with a session."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_login import current_user

from server import form_text
from server.extensions import db
from server.http.access import login_required_role
from server.services.accounts.shopper_labels import shopper_label
from server.services.org.queries import overview_for
from server.web import demo_banner
from server.web.nav import nav_for

bp = Blueprint("web", __name__)


@bp.route("/")
@login_required_role()
def home():
    """The start page: each role sees its own overview."""
    return render_template(f"web/home_{current_user.role.value}.html", **overview_for(db.session, current_user))


def web_blueprints() -> list[Blueprint]:
    """Every web blueprint; each area of the web app adds its module here."""
    from server.web.accounts.my_account import (
        bp as account,  # every role: my account (password, sessions, phones, second factor)
    )
    from server.web.actions.views import bp as actions  # admins and managers: corrective actions
    from server.web.activity import bp as activity  # the admin's activity log
    from server.web.assignments.views import bp as assignments  # admin: schedule, cancel, reassign visits
    from server.web.checklists import bp as builder  # admin: checklist builder
    from server.web.dashboard.views import bp as dashboard  # managers: dashboard, branch pages, CSV export
    from server.web.jobs.views import bp as job_pages  # background jobs: region reports, progress, results
    from server.web.org import bp as org  # admin: regions, branches, CSV import, users
    from server.web.reports.downloads import bp as report_downloads  # PDF reports for signed-in browsers
    from server.web.visits.reviews import bp as review  # admin: review queue and decisions
    from server.web.visits.views import bp as visits  # visit pages and their photos
    from server.web.webhooks.views import bp as webhooks  # admin: webhook endpoints and their delivery logs

    blueprints = [bp, report_downloads, org, activity, builder, dashboard, visits, review, assignments, account]
    return [*blueprints, job_pages, webhooks, actions]


def init_app(app: Flask) -> None:
    """Register the web pages; every template gets the role's navigation and `shopper_label(shopper)`."""
    form_text.init_app(app)
    for blueprint in web_blueprints():
        app.register_blueprint(blueprint)
    app.context_processor(lambda: {"nav_for": nav_for, "shopper_label": _shopper_label})
    demo_banner.init_app(app)  # admins: a banner while demo accounts can sign in


def _shopper_label(shopper) -> str:
    """Templates: a shopper as the signed-in reader may see them (name or pseudonym, services.shopper_labels)."""
    return shopper_label(current_user, shopper)
