"""A test client that behaves like production: one app context (and DB session) per request."""

from __future__ import annotations

from flask.testing import FlaskClient


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context.

    The `app` fixture keeps one app context pushed for the whole test; with the plain client
    every request would share `g` (Flask-Login's cached user, the CSRF token) and the database
    session, so a test could pass that fails for real users, or the other way round.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_client(app) -> FreshContextClient:
    """Another browser: its own cookies, one app context per request."""
    return FreshContextClient(app, app.response_class, use_cookies=True)


def fresh_context_wsgi(app):
    """The app as a WSGI callable that runs each call in an empty `contextvars` context, as a server worker does:
    Flask then pushes (and pops) an application context of the request's own, whatever the test has pushed."""
    import contextvars

    def wsgi(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)

    return wsgi
