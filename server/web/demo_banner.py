"""The banner admins see on every page while demo accounts (published password) can still sign in."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from server.extensions import db
from server.models import Role
from server.services.accounts.demo_accounts import demo_accounts_present


def demo_banner_shown() -> bool:
    """True for a signed-in admin while a demo account is active; asked by base.html, so only pages pay the query."""
    if not getattr(current_user, "is_authenticated", False) or current_user.role is not Role.ADMIN:
        return False
    return demo_accounts_present(db.session)


def init_app(app: Flask) -> None:
    """Make `demo_banner_shown()` available to every template."""
    app.context_processor(lambda: {"demo_banner_shown": demo_banner_shown})
