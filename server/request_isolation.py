"""Each request gets its own application context: refuse to serve one that inherited another request's `g`.

Flask pushes a fresh application context per request unless one is already active. A server started
inside an application context (issue 9: gunicorn forked under `@with_appcontext`) would hand every request
the same `g` and database session, so one user's identity would answer for the next. This check makes
that a loud 500 instead of a silent leak, whatever starts the app.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g

_MARK = "_fieldaudit_request_seen"


def refuse_shared_context() -> None:
    """Mark this request's `g`; a mark left by an earlier request means the context is shared."""
    if g.get(_MARK):
        current_app.logger.critical(
            "A request arrived in an application context an earlier request used: refusing it. "
            "Serve Fieldaudit from server.wsgi:app (fieldaudit run), never inside an app context."
        )
        abort(500)
    setattr(g, _MARK, True)


def init_app(app: Flask) -> None:
    """Run the check before every other before-request function."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_shared_context)
