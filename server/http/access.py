"""The HTTP half of server.permissions: a 404 for what the caller may not see, 401 or 403 by role."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from server.extensions import db, login_manager
from server.models import Role
from server.permissions import MAX_INT_ID, VISIBLE_QUERIES, role_of


def _coerce_id(kind: type[Any], object_id: Any) -> Any:
    """The id as the column's type, or None when it cannot name a row (then: 404, not a 500)."""
    if kind.__table__.c.id.type.python_type is uuid.UUID:
        try:
            return object_id if isinstance(object_id, uuid.UUID) else uuid.UUID(str(object_id))
        except ValueError:
            return None
    if isinstance(object_id, str) and object_id.isascii() and object_id.isdigit():
        object_id = int(object_id)
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        return None
    return object_id if 0 < object_id <= MAX_INT_ID else None


def get_visible_or_404(kind: type[Any], object_id: Any, user: Any = None):
    """The object of model `kind` with this id if `user` (default: current user) may see it, else 404."""
    user = current_user if user is None else user
    key = _coerce_id(kind, object_id)
    found = None if key is None else db.session.scalar(VISIBLE_QUERIES[kind](user).where(kind.id == key))
    if found is None:
        abort(404)
    return found


def get_or_404(kind: type[Any], object_id: Any):
    """The row of model `kind` with this id, else 404 (ids beyond the column's range too): for admin-only pages."""
    key = _coerce_id(kind, object_id)
    found = None if key is None else db.session.get(kind, key)
    if found is None:
        abort(404)
    return found


def login_required_role(*roles: Role | str) -> Callable:
    """Decorator for pages and endpoints: anonymous -> 401/sign-in page, wrong role -> 403; no roles = any role."""
    wanted = {Role(role) for role in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            role = role_of(current_user)
            if role is None:
                return login_manager.unauthorized()
            if wanted and role not in wanted:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
