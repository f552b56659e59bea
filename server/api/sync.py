"""The phone's sync endpoints: push completed visits, pull what changed (docs/sync-protocol.md)."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from server.api.base import BEARER, Blueprint
from server.api.sync_schemas import ChangesQuerySchema, ChangesSchema, PushAnswerSchema, PushSchema, too_large
from server.errors import error_body
from server.extensions import db
from server.http.access import login_required_role
from server.models import Role
from server.permissions import role_of
from server.services.photos.budgets import PhotoLimits
from server.services.sync.pull import changes_page, parse_cursor
from server.services.sync.push import push_visits

blp = Blueprint(
    "sync",
    __name__,
    url_prefix="/api/v1/sync",
    description="Push completed visits and pull what changed, safely repeatable.",
)


@blp.errorhandler(OperationalError)
def _busy(exc: OperationalError):
    """The database stayed locked (or went away) through the retries: 503, so the phone tries again later."""
    current_app.logger.warning("sync request failed on the database: %s", exc.orig)
    db.session.rollback()
    return (
        jsonify(error_body(503, "The server is busy; your data is safe on the phone. Try again shortly.")),
        503,
        {"Retry-After": "5"},
    )


def shoppers_only(view):
    """Admins and managers review visits; only shoppers push them (403 before the body is read)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if role_of(current_user) is not Role.SHOPPER:
            abort(403, "Only shoppers push visits.")
        return view(*args, **kwargs)

    return wrapper


def body_limit(view):
    """SYNC_MAX_BYTES, checked on Content-Length and on the bytes actually read, before any parsing."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        limit = current_app.config["SYNC_MAX_BYTES"]
        message = f"A push may carry at most {limit} bytes (SYNC_MAX_BYTES). Send the visits in smaller batches."
        if request.content_length is not None and request.content_length > limit:
            raise too_large(message)
        request.max_content_length = limit + 1  # werkzeug stops quietly at the maximum: read one byte more to know
        try:
            oversized = len(request.get_data(cache=True)) > limit
        except RequestEntityTooLarge:
            oversized = True
        if oversized:
            raise too_large(message)
        return view(*args, **kwargs)

    return wrapper


@blp.route("/push", methods=["POST"])
@login_required_role()
@shoppers_only
@body_limit
@blp.arguments(PushSchema)
@blp.response(200, PushAnswerSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(413, response="DEFAULT_ERROR", description="Over SYNC_MAX_VISITS or SYNC_MAX_BYTES")
@blp.doc(security=BEARER)
def push(body):
    """Store completed visits, each in its own transaction; one result per visit (created/unchanged/conflict/invalid)."""
    results = push_visits(db.session, current_user, body["visits"], PhotoLimits.from_config(current_app.config))
    return {"results": [result.as_wire() for result in results]}


@blp.route("/changes", methods=["GET"])
@login_required_role()
@blp.arguments(ChangesQuerySchema, location="query")
@blp.response(200, ChangesSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def changes(query):
    """What the caller may hold that changed after the cursor (oldest first), or a snapshot of it for cursor 0."""
    page = changes_page(db.session, current_user, parse_cursor(query["since"]), query["limit"])
    return {
        "changes": page.changes,
        "cursor": page.cursor,
        "more": page.more,
        "reset": page.reset,
        "snapshot_complete": page.snapshot_complete,
    }
