"""The webhook pages: thin handlers over services/webhooks/endpoints.py; admins only (others get 403)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_or_404, login_required_role
from server.models import WebhookDelivery, WebhookEndpoint
from server.services.webhooks.catalogue import EVENT_TYPES
from server.services.webhooks.endpoints import (
    delivery_log,
    edit_endpoint,
    list_endpoints,
    redeliver,
    register_endpoint,
    rotate_secret,
    send_ping,
    set_endpoint_active,
)
from server.web.common import attempt

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.before_request
@login_required_role("admin")
def admins_only():
    """Every page here: anonymous -> sign-in page, managers and shoppers -> 403."""
    return None


def _fields() -> dict:
    form = request.form
    return {
        "url": form.get("url", ""),
        "event_types": form.getlist("event_types"),
        "description": form.get("description", ""),
    }


def _form(endpoint: WebhookEndpoint | None, values: dict, errors: dict):
    page = render_template(
        "webhooks/form.html", endpoint=endpoint, values=values, errors=errors, event_types=EVENT_TYPES
    )
    return page, 422 if errors else 200


def _secret_page(endpoint: WebhookEndpoint, secret: str, fresh: bool):
    """The one page that ever shows the secret; never cached."""
    response = make_response(render_template("webhooks/secret.html", endpoint=endpoint, secret=secret, fresh=fresh))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def index():
    """Every endpoint: its URL, events, status and deliveries still to go."""
    return render_template("webhooks/index.html", rows=list_endpoints(db.session), event_types=EVENT_TYPES)


@bp.route("/new", methods=["GET", "POST"])
@shows_text_errors
def new():
    """Register an endpoint; its secret is generated and shown once."""
    values = _fields() if request.method == "POST" else {"url": "", "event_types": [], "description": ""}
    errors: dict = {}
    if request.method == "POST" and not (errors := form_text_errors()):
        made, errors = attempt(
            register_endpoint, db.session, current_user._get_current_object(), **values, settings=current_app.config
        )
        if not errors:
            endpoint, secret = made
            return _secret_page(endpoint, secret, fresh=True)
    return _form(None, values, errors)


@bp.route("/<int:endpoint_id>")
def endpoint(endpoint_id: int):
    """An endpoint's settings, why it is off (if the server turned it off), and its delivery log, newest first."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    log = delivery_log(db.session, found, request.args.get("page", 1, type=int) or 1)
    return render_template("webhooks/endpoint.html", endpoint=found, log=log, event_types=EVENT_TYPES)


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@shows_text_errors
def edit(endpoint_id: int):
    """Change the URL, the event types or the description."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    if request.method == "GET":
        values = {"url": found.url, "event_types": list(found.event_types), "description": found.description}
        return _form(found, values, {})
    values, errors = _fields(), form_text_errors()
    if not errors:
        _, errors = attempt(
            edit_endpoint, db.session, current_user._get_current_object(), found, **values, settings=current_app.config
        )
        if not errors:
            flash("Webhook saved.", "success")
            return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))
    return _form(found, values, errors)


@bp.route("/<int:endpoint_id>/active", methods=["POST"])
def active(endpoint_id: int):
    """Deactivate or reactivate the endpoint."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    wanted = request.form.get("active") == "1"
    attempt(set_endpoint_active, db.session, current_user._get_current_object(), found, wanted, current_app.config)
    flash(f"Webhook {'reactivated' if wanted else 'deactivated'}.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))


@bp.route("/<int:endpoint_id>/ping", methods=["POST"])
def ping(endpoint_id: int):
    """Send a test `ping` event to this endpoint; its delivery shows in the log."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    attempt(send_ping, db.session, current_user._get_current_object(), found)
    flash("Test event queued: its delivery appears in the log below in a moment.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))


@bp.route("/<int:endpoint_id>/secret", methods=["POST"])
def secret(endpoint_id: int):
    """Replace the signing secret; the new one is shown once."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    made, errors = attempt(rotate_secret, db.session, current_user._get_current_object(), found)
    if errors:
        flash(" ".join(message for messages in errors.values() for message in messages), "error")
        return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))
    return _secret_page(found, made, fresh=False)


@bp.route("/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
def redeliver_one(endpoint_id: int, delivery_id: int):
    """Send one delivery again (the same event id and body)."""
    found = get_or_404(WebhookEndpoint, endpoint_id)
    if get_or_404(WebhookDelivery, delivery_id).endpoint_id != found.id:
        abort(404)
    _, errors = attempt(
        redeliver, db.session, current_user._get_current_object(), found, delivery_id, current_app.config
    )
    if errors:
        flash(" ".join(message for messages in errors.values() for message in messages), "error")
    else:
        flash(f"Delivery {delivery_id} will be sent again in a moment.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))
