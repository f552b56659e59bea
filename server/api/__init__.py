"""The JSON API under /api/v1 (flask-smorest): bearer-token authenticated, CSRF-exempt, documented."""

from __future__ import annotations

from flask import Flask

from server.api.base import BEARER_SCHEME, Blueprint  # noqa: F401 - re-exported for endpoint modules
from server.extensions import api as openapi
from server.extensions import csrf


def blueprints() -> list[Blueprint]:
    """Every API blueprint; add new endpoint modules here."""
    from server.api import account, actions, jobs, photos, reports, scores, sync, visits, webhooks

    return [account.blp, photos.blp, sync.blp, visits.blp, scores.blp, reports.blp, jobs.blp, webhooks.blp, actions.blp]


def init_app(app: Flask) -> None:
    """Register the API blueprints and the bearer security scheme in the OpenAPI document."""
    openapi.spec.components.security_scheme(BEARER_SCHEME, {"type": "http", "scheme": "bearer"})
    for blp in blueprints():
        # Safe only because API requests never authenticate with the session cookie (auth.loaders).
        csrf.exempt(blp)
        openapi.register_blueprint(blp)
