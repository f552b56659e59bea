"""Authentication: web sessions and bearer tokens (Flask-Login), and the sign-in pages."""
from __future__ import annotations

from flask import Flask

from . import loaders
from .views import bp


def init_app(app: Flask) -> None:
    """Install the user loaders and the sign-in pages."""
    loaders.init_app(app)
    app.register_blueprint(bp)
