"""Authentication: server-side web sessions and bearer tokens (Flask-Login), and the sign-in pages."""

from __future__ import annotations

from flask import Flask

from server.auth import cookies, limits, loaders, password_pages  # noqa: F401 - password_pages adds routes to bp
from server.auth.views import bp


def init_app(app: Flask) -> None:
    """Install the session cookie, the user loader, Retry-After on 429s, and the sign-in pages."""
    cookies.init_app(app)
    loaders.init_app(app)
    limits.init_app(app)
    app.register_blueprint(bp)
