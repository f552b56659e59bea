"""The shapes of /api/v1/actions: the list's filters, an action (with its history), what creates and changes one."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.api.base import Text
from server.models import ActionPriority, ActionStatus

STATUSES = [status.value for status in ActionStatus]
PRIORITIES = [priority.value for priority in ActionPriority]


class ActionListArgs(Schema):
    """Filters of the list (all optional): as on the web page, and the same CSV columns' meaning."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    branch = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    region = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    overdue = fields.Boolean(metadata={"description": "only open or in-progress actions past their due date"})
    owner = fields.String(metadata={"description": "`me`, `none` or a user id"})


class ActionEventSchema(Schema):
    """One entry of an action's history."""

    kind = fields.String(metadata={"enum": ["created", "status", "owner", "due", "priority", "comment"]})
    from_value = fields.String()
    to_value = fields.String()
    comment = fields.String()
    actor_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class ActionSchema(Schema):
    """A corrective action."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    status = fields.String(metadata={"enum": STATUSES})
    priority = fields.String(metadata={"enum": PRIORITIES})
    source = fields.String(metadata={"enum": ["manual", "critical_failure", "below_target"]})
    due_on = fields.Date()
    overdue = fields.Boolean()
    branch_id = fields.Integer()
    owner_id = fields.Integer(allow_none=True)
    visit_id = fields.String(allow_none=True)
    question_key = fields.String(allow_none=True)
    cancel_reason = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ActionDetailSchema(ActionSchema):
    """An action with its whole history, oldest first."""

    history = fields.List(fields.Nested(ActionEventSchema))


class ActionInputSchema(Schema):
    """Raise an action by hand for a branch, optionally from one answer of one of its visits."""

    branch_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = Text(required=True, max_length=200)
    description = Text(load_default="", max_length=5000, multiline=True)
    due_on = fields.Date(required=True)
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    owner_id = fields.Integer(load_default=None, allow_none=True)
    visit_id = fields.UUID(load_default=None, allow_none=True)
    question_key = Text(load_default=None, allow_none=True, max_length=64)


class ActionPatchSchema(Schema):
    """Change an action: any of its status (with `reason` to cancel), owner (null: nobody), due date, priority."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    reason = Text(load_default="", max_length=5000, multiline=True)
    owner_id = fields.Integer(allow_none=True)
    due_on = fields.Date()
    priority = fields.String(validate=validate.OneOf(PRIORITIES))


class CommentInputSchema(Schema):
    """A comment for the action's history."""

    comment = Text(required=True, min_length=1, max_length=5000, multiline=True)
