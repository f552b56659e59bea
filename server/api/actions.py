"""Corrective actions for admins' and managers' tokens, in their scope (docs/actions.md): list, read, raise, change,
comment. Actions outside the caller's scope answer 404; shoppers 403; bad input 4xx naming the field."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from server.api.actions_schemas import (
    ActionDetailSchema,
    ActionInputSchema,
    ActionListArgs,
    ActionPatchSchema,
    ActionSchema,
    CommentInputSchema,
)
from server.api.base import BEARER, Blueprint
from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.models import Branch, CorrectiveAction
from server.permissions import READER_ROLES
from server.services.actions.queries import action_history, filters_from, list_actions, today
from server.services.actions.raising import raise_action, visit_to_raise_from
from server.services.actions.workflow import add_comment, assign_owner, change_status, set_due_date, set_priority
from server.services.errors import ServiceError
from server.services.transactions import atomic

blp = Blueprint(
    "actions_api",
    __name__,
    url_prefix="/api/v1/actions",
    description=(
        "Corrective actions (docs/actions.md). Admins: every action; managers: their regions' and their own. "
        "Statuses go open -> in_progress -> done -> verified, or to cancelled with a `reason`."
    ),
)


def _user():
    return current_user._get_current_object()


def _action(action: CorrectiveAction, *, history: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": action.id,
        "title": action.title,
        "description": action.description,
        "status": action.status.value,
        "priority": action.priority.value,
        "source": action.source.value,
        "due_on": action.due_on,
        "overdue": action.is_overdue(today()),
        "branch_id": action.branch_id,
        "owner_id": action.owner_id,
        "visit_id": str(action.visit_id) if action.visit_id else None,
        "question_key": action.question_key,
        "cancel_reason": action.cancel_reason,
        "created_by_id": action.created_by_id,
        "created_at": action.created_at,
        "updated_at": action.updated_at,
    }
    if history:
        body["history"] = action_history(db.session, action)
    return body


@blp.route("", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.arguments(ActionListArgs, location="query")
@blp.response(200, ActionSchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_all(args):
    """The actions the caller may see, soonest due first (at most 500), filtered."""
    filters = filters_from(
        {key: ("1" if value is True else "" if value is False else value) for key, value in args.items()}
    )
    return [_action(action) for action in list_actions(db.session, _user(), filters)]


@blp.route("/<int:action_id>", methods=["GET"])
@login_required_role(*READER_ROLES)
@blp.response(200, ActionDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_one(action_id: int):
    """One action with its history."""
    return _action(get_visible_or_404(CorrectiveAction, action_id), history=True)


@blp.route("", methods=["POST"])
@login_required_role(*READER_ROLES)
@blp.arguments(ActionInputSchema)
@blp.response(201, ActionDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def create(body):
    """Raise an action by hand (admins and managers of the branch's region)."""
    branch = get_visible_or_404(Branch, body["branch_id"])
    with atomic(db.session):
        visit = visit_to_raise_from(db.session, _user(), body["visit_id"])
        action = raise_action(
            db.session,
            _user(),
            branch,
            title=body["title"],
            description=body["description"],
            due_on=body["due_on"],
            priority=body["priority"],
            owner=body["owner_id"],
            visit=visit,
            question_key=body["question_key"],
        )
    return _action(action, history=True)


@blp.route("/<int:action_id>", methods=["PATCH"])
@login_required_role(*READER_ROLES)
@blp.arguments(ActionPatchSchema)
@blp.response(200, ActionDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def change(body, action_id: int):
    """Change the status, owner, due date or priority, all in one transaction (each change in the history)."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    if not body.keys() - {"reason"}:
        raise ServiceError(None, "Give at least one of status, owner_id, due_on and priority.", status=422)
    with atomic(db.session):
        if "owner_id" in body:
            assign_owner(db.session, _user(), action, body["owner_id"])
        if "due_on" in body:
            set_due_date(db.session, _user(), action, body["due_on"])
        if "priority" in body:
            set_priority(db.session, _user(), action, body["priority"])
        if "status" in body:
            change_status(db.session, _user(), action, body["status"], body.get("reason", ""))
    return _action(action, history=True)


@blp.route("/<int:action_id>/comments", methods=["POST"])
@login_required_role(*READER_ROLES)
@blp.arguments(CommentInputSchema)
@blp.response(201, ActionDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def comment(body, action_id: int):
    """Add a comment to the action's history (its owner, admins and the region's managers)."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    with atomic(db.session):
        add_comment(db.session, _user(), action, body["comment"])
    return _action(action, history=True)
