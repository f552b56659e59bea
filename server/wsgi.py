"""The WSGI entry point gunicorn imports in every worker: one app, made at import, outside any application context.

`fieldaudit run` serves this module (`server.wsgi:app`); so can any WSGI server (`gunicorn server.wsgi:app`).
No application context may be active here: a request that found one would reuse it, and with it `flask.g`
(the signed-in user, the CSRF token, the API token id) and the database session of an earlier request.
"""

from __future__ import annotations

from flask import has_app_context

from server import create_app

if has_app_context():  # pragma: no cover - only a wrongly built server gets here
    raise RuntimeError("server.wsgi must be imported outside any Flask application context")

app = create_app()
