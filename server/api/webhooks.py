"""Webhook endpoints for admins' tokens: register, list, change, test and read the delivery log (docs/webhooks.md)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_login import current_user

from server.api.base import BEARER, Blueprint
from server.api.webhooks_schemas import (
    DeliveryListArgs,
    DeliverySchema,
    EndpointInputSchema,
    EndpointPatchSchema,
    EndpointSchema,
    NewEndpointSchema,
)
from server.extensions import db
from server.http.access import get_or_404, login_required_role
from server.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from server.services.transactions import atomic
from server.services.webhooks.endpoints import (
    delivery_log,
    edit_endpoint,
    list_endpoints,
    redeliver,
    register_endpoint,
    send_ping,
    set_endpoint_active,
)

blp = Blueprint(
    "webhooks_api",
    __name__,
    url_prefix="/api/v1/webhooks",
    description=(
        "Admins only. Endpoints receive signed JSON events (docs/webhooks.md); the secret is in the answer that "
        "registers the endpoint and never again. Bad URLs (not https, or a loopback or private host) answer 422 "
        "naming `url`."
    ),
)


def _admin():
    return current_user._get_current_object()


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    event = delivery.event
    waiting = delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
    return {
        "id": delivery.id,
        "event_id": str(event.id),
        "event_type": event.type,
        "object": delivery.object_key,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "error": delivery.error,
        "duration_ms": delivery.duration_ms,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at if waiting else None,
        "created_at": delivery.created_at,
    }


@blp.route("", methods=["GET"])
@login_required_role("admin")
@blp.response(200, EndpointSchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_webhooks():
    """Every endpoint, newest first."""
    return [endpoint for endpoint, _, _ in list_endpoints(db.session)]


@blp.route("", methods=["POST"])
@login_required_role("admin")
@blp.arguments(EndpointInputSchema)
@blp.response(201, NewEndpointSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def create_webhook(body):
    """Register an endpoint; the answer carries its signing secret, this once."""
    with atomic(db.session):
        endpoint, secret = register_endpoint(db.session, _admin(), **body, settings=current_app.config)
    return {**{name: getattr(endpoint, name) for name in EndpointSchema().fields}, "secret": secret}


@blp.route("/<int:endpoint_id>", methods=["GET"])
@login_required_role("admin")
@blp.response(200, EndpointSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_webhook(endpoint_id: int):
    """One endpoint (without its secret)."""
    return get_or_404(WebhookEndpoint, endpoint_id)


@blp.route("/<int:endpoint_id>", methods=["PATCH"])
@login_required_role("admin")
@blp.arguments(EndpointPatchSchema)
@blp.response(200, EndpointSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def change_webhook(body, endpoint_id: int):
    """Change the URL, events or description, or turn the endpoint off (`active: false`) and on again."""
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    with atomic(db.session):
        if {"url", "event_types", "description"} & body.keys():
            edit_endpoint(
                db.session,
                _admin(),
                endpoint,
                url=body.get("url", endpoint.url),
                event_types=body.get("event_types", list(endpoint.event_types)),
                description=body.get("description", endpoint.description),
                settings=current_app.config,
            )
        if "active" in body and body["active"] != endpoint.active:
            set_endpoint_active(db.session, _admin(), endpoint, body["active"], current_app.config)
    return endpoint


@blp.route("/<int:endpoint_id>/ping", methods=["POST"])
@login_required_role("admin")
@blp.response(202)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def ping_webhook(endpoint_id: int):
    """Send a test `ping` event to the endpoint; its delivery appears in the log."""
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    with atomic(db.session):
        event = send_ping(db.session, _admin(), endpoint)
    return {"event_id": str(event.id)}


@blp.route("/<int:endpoint_id>/deliveries", methods=["GET"])
@login_required_role("admin")
@blp.arguments(DeliveryListArgs, location="query")
@blp.response(200, DeliverySchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_deliveries(args, endpoint_id: int):
    """The endpoint's deliveries, newest first, 50 a page."""
    log = delivery_log(db.session, get_or_404(WebhookEndpoint, endpoint_id), args["page"])
    return [_delivery(delivery) for delivery, _ in log.rows]


@blp.route("/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@login_required_role("admin")
@blp.response(202, DeliverySchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="DEFAULT_ERROR", description="It is being sent right now.")
@blp.doc(security=BEARER)
def redeliver_delivery(endpoint_id: int, delivery_id: int):
    """Send the delivery again soon: the same event id and body, with a fresh retry window."""
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    if get_or_404(WebhookDelivery, delivery_id).endpoint_id != endpoint.id:
        abort(404)
    with atomic(db.session):
        delivery = redeliver(db.session, _admin(), endpoint, delivery_id, current_app.config)
    return _delivery(delivery)
