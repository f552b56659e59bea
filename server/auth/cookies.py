"""The session cookie (Secure and `__Host-` whenever it can be) and the signed "known device" cookie.

Secure when the request came over HTTPS, when a proxy is configured (FIELDAUDIT_PROXY_HOPS > 0:
the public side is HTTPS) or when FIELDAUDIT_SECURE_COOKIES=1. A secure cookie carries the
`__Host-` prefix, so it is only ever set by this host, for Path=/ and without a Domain.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

HOST_PREFIX = "__Host-"
DEVICE_COOKIE = "fieldaudit_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_MAX_USERS = 5


def cookies_always_secure(config: Mapping) -> bool:
    """Whether every cookie is Secure whatever the request (HTTPS forced, or behind a proxy)."""
    return bool(config.get("SESSION_COOKIE_SECURE")) or int(config.get("PROXY_HOPS") or 0) > 0


def cookies_secure(app: Flask | None = None) -> bool:
    """Whether cookies set now are Secure: always behind a proxy or when forced, else when the request is HTTPS."""
    app = app or current_app
    return cookies_always_secure(app.config) or (has_request_context() and request.is_secure)


def cookie_name(base: str, app: Flask | None = None) -> str:
    """`base`, with the `__Host-` prefix when the cookie is Secure."""
    return HOST_PREFIX + base if cookies_secure(app) else base


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, named and flagged per request as this module's docstring says."""

    def get_cookie_name(self, app: Flask) -> str:
        return cookie_name(app.config["SESSION_COOKIE_NAME"], app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookies_secure(app)

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if cookies_secure(app) else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if cookies_secure(app) else super().get_cookie_path(app)


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="fieldaudit-known-device")


def _device_ids() -> list[int]:
    raw = request.cookies.get(cookie_name(DEVICE_COOKIE))
    if not raw or len(raw) > 512:
        return []
    try:
        ids = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)] if isinstance(ids, list) else []


def known_device_user_ids() -> set[int]:
    """The users who completed a sign-in in this browser before (from the signed cookie); empty if none or forged."""
    return set(_device_ids())


def remember_device(response: BaseResponse, user_id: int) -> BaseResponse:
    """Add the user to this browser's known-device cookie (a few users at most, newest kept)."""
    ids = [i for i in _device_ids() if i != user_id][-(DEVICE_MAX_USERS - 1) :] + [user_id]
    secure = cookies_secure()
    response.set_cookie(
        cookie_name(DEVICE_COOKIE),
        _device_serializer().dumps(ids),
        max_age=DEVICE_MAX_AGE,
        path="/",
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def init_app(app: Flask) -> None:
    """Use the session cookie interface of this module."""
    app.session_interface = SessionCookie()
