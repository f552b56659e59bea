"""The organisation pages' blueprint: every page under /admin is for admins only."""

from __future__ import annotations

from flask import Blueprint

from server.http.access import login_required_role

bp = Blueprint("org", __name__, url_prefix="/admin")


@bp.before_request
@login_required_role("admin")
def admins_only():
    """Every page of this blueprint: anonymous -> sign-in page, managers and shoppers -> 403."""
    return None
