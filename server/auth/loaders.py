"""How a request becomes a user: a server-side web session outside /api, a bearer token under /api only."""

from __future__ import annotations

from flask import g, jsonify, redirect, request, session, url_for

from server.errors import error_body, wants_json
from server.extensions import db, login_manager
from server.models import SessionStage, User
from server.services.accounts.auth_log import Client
from server.services.accounts.tokens import find_token, token_problem, touch_token
from server.services.accounts.web_sessions import touch_session, usable_session

API_PREFIX = "/api/"
SESSION_KEY = "sid"
"""The key, in Flask's signed session cookie, of the web session's random id (stored server-side only hashed)."""

TOKEN_MESSAGES = {
    None: "Sign in first: send the header 'Authorization: Bearer <token>'.",
    "unknown": "This token is not valid. Sign in again.",
    "revoked": "This token has been revoked. Sign in again.",
    "expired": "This token has expired. Sign in again.",
    "inactive": "This account has been deactivated.",
}


def is_api_request() -> bool:
    """API calls authenticate only with bearer tokens, so CSRF-exempt endpoints never trust cookies."""
    return request.path.startswith(API_PREFIX)


def load_session_user() -> User | None:
    """The user of this browser's web session, if it is fully signed in and has not ended, idled or expired."""
    record = usable_session(
        db.session,
        session.get(SESSION_KEY),
        SessionStage.ACTIVE,
        Client.of(request.remote_addr, request.user_agent.string),
    )
    if record is None:
        return None
    touch_session(db.session, record)
    g.web_session = record
    return record.user


def bearer_token(header: str | None) -> str | None:
    """The token in 'Authorization: Bearer <token>', or None."""
    scheme, _, value = (header or "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def load_token_user(req) -> User | None:
    """The owner of a usable bearer token; remembers why a token was refused, for the 401 message."""
    plaintext = bearer_token(req.headers.get("Authorization"))
    if plaintext is None:
        return None
    token = find_token(db.session, plaintext)
    g.token_problem = token_problem(token)
    if token is None or g.token_problem is not None:  # (no token has the problem "unknown")
        return None
    touch_token(db.session, token)
    g.api_token_id = token.id
    return token.user


def load_request_user(req) -> User | None:
    """Bearer tokens under /api (and never the cookie there); the web session everywhere else (never a token)."""
    return load_token_user(req) if is_api_request() else load_session_user()


def unauthorized():
    """JSON 401 for API callers; the sign-in page, coming back here afterwards, for people."""
    if is_api_request() or wants_json():
        problem = g.get("token_problem")
        body = error_body(401, TOKEN_MESSAGES.get(problem, TOKEN_MESSAGES["unknown"]))
        body["reason"] = f"token_{problem}" if problem else "token_missing"
        return jsonify(body), 401, {"WWW-Authenticate": 'Bearer realm="fieldaudit"'}
    target = request.full_path.rstrip("?") if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def init_app(app) -> None:
    """Register the loader on the shared LoginManager (no user_loader: Flask-Login's own session id is unused)."""
    login_manager.request_loader(load_request_user)
    login_manager.session_protection = (
        None  # our server-side sessions do this job; Flask-Login's would rewrite the cookie
    )
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_view = "auth.login"
