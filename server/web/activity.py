"""The activity log page for admins: newest first, filtered by actor and object type, paged."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from server.extensions import db
from server.http.access import login_required_role
from server.services.activity import activity_filters, activity_page

bp = Blueprint("activity", __name__, url_prefix="/admin/activity")


def _int_arg(name: str, default: int | None = None) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


@bp.route("")
@login_required_role("admin")
def log():
    """One page of the log (?actor=<user id>&type=<object type>&page=<n>)."""
    actor_id, object_type = _int_arg("actor"), request.args.get("type", "")[:32]
    page = _int_arg("page")
    result = activity_page(
        db.session, actor_id=actor_id, object_type=object_type or None, page=1 if page is None else page
    )
    actors, types = activity_filters(db.session)
    return render_template(
        "activity/log.html", result=result, actors=actors, types=types, actor_id=actor_id, object_type=object_type
    )
