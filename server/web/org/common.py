"""What the organisation pages share: the row a URL names, and the active flag of a (de)activate form."""

from __future__ import annotations

from flask import abort, request

from server.extensions import db
from server.permissions import MAX_INT_ID


def get_or_404(model: type, object_id: int):
    """The row with this id, or 404 (ids beyond the column's range too)."""
    found = db.session.get(model, object_id) if 0 < object_id <= MAX_INT_ID else None
    if found is None:
        abort(404)
    return found


def wants_active() -> bool:
    """The `active` field of a deactivate/reactivate form: "1" or "0", anything else is a bad request."""
    value = request.form.get("active")
    if value not in ("0", "1"):
        abort(400)
    return value == "1"
