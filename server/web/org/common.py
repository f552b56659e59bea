"""What the organisation pages share: the active flag of a deactivate/reactivate form."""

from __future__ import annotations

from flask import abort, request


def wants_active() -> bool:
    """The `active` field of a deactivate/reactivate form: "1" or "0", anything else is a bad request."""
    value = request.form.get("active")
    if value not in ("0", "1"):
        abort(400)
    return value == "1"
