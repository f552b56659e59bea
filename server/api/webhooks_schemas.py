"""The shapes of /api/v1/webhooks: an endpoint (its secret only in the answer that made it), its deliveries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.api.base import Text
from server.services.webhooks.catalogue import subscribable_names

EVENT_TYPE = fields.String(validate=validate.OneOf(subscribable_names()))


class EndpointInputSchema(Schema):
    """Register an endpoint: where events go and which ones."""

    url = Text(required=True, max_length=2000)
    event_types = fields.List(EVENT_TYPE, required=True, validate=validate.Length(min=1, max=20))
    description = Text(load_default="", max_length=200)


class EndpointPatchSchema(Schema):
    """Change an endpoint: any of its URL, events, description, and whether it is active."""

    url = Text(max_length=2000)
    event_types = fields.List(EVENT_TYPE, validate=validate.Length(min=1, max=20))
    description = Text(max_length=200)
    active = fields.Boolean()


class EndpointSchema(Schema):
    """A webhook endpoint; `disabled_reason` says why the server turned it off (it kept failing)."""

    id = fields.Integer()
    url = fields.String()
    description = fields.String()
    event_types = fields.List(fields.String())
    active = fields.Boolean()
    disabled_reason = fields.String()
    consecutive_failures = fields.Integer()
    created_at = fields.DateTime()


class NewEndpointSchema(EndpointSchema):
    """The endpoint just made, with its signing secret: shown this once, never again."""

    secret = fields.String()


class DeliverySchema(Schema):
    """One event for the endpoint: how its attempts went."""

    id = fields.Integer()
    event_id = fields.String()
    event_type = fields.String()
    object = fields.String(metadata={"description": "`<object type>:<id>` the event is about"})
    status = fields.String(metadata={"enum": ["pending", "delivering", "retrying", "succeeded", "failed"]})
    attempts = fields.Integer()
    response_code = fields.Integer(allow_none=True)
    error = fields.String()
    duration_ms = fields.Integer(allow_none=True)
    last_attempt_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DeliveryListArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))
