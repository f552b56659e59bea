"""How a request becomes a user: the web session cookie, or a bearer token under /api."""
from __future__ import annotations

from flask import g, jsonify, redirect, request, url_for

from ..errors import error_body, wants_json
from ..extensions import db, login_manager
from ..models import User
from ..permissions import MAX_INT_ID
from ..services.tokens import find_token, token_problem, touch_token

API_PREFIX = "/api/"

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


def load_session_user(session_id: str) -> User | None:
    """The user named by a web session, if active and the session nonce still matches."""
    if is_api_request():
        return None
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce or not 0 < int(user_id) <= MAX_INT_ID:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


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
    if g.token_problem is not None:
        return None
    touch_token(db.session, token)
    g.api_token_id = token.id
    return token.user


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
    """Register the loaders on the shared LoginManager."""
    login_manager.user_loader(load_session_user)
    login_manager.request_loader(load_token_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_view = "auth.login"
