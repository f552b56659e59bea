"""The per-address flood limit on sign-in POSTs (Flask-Limiter), and Retry-After on every 429.

Failed sign-ins are throttled separately, per email and address, in services.sign_in_throttle;
this limit only stops one address from hammering the sign-in endpoints (successes count here).
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, request
from flask_limiter.util import get_remote_address

from server.extensions import limiter

TOO_MANY = "Too many sign-in attempts. Please wait a minute and try again."


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def too_many_message(seconds: int | None) -> str:
    """'Too many failed sign-ins. Try again in 3 minutes.'"""
    minutes = max(1, math.ceil((seconds or 60) / 60))
    return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


per_ip = limiter.shared_limit(
    _limit, scope="login-ip", key_func=get_remote_address, methods=["POST"], error_message=TOO_MANY
)


TOO_MANY_RESETS = "Too many password reset requests. Please wait a while and try again."


def _reset_address() -> str:
    """The limit's key for "forgot your password": the address asked for, as accounts compare it."""
    return "reset:" + (request.form.get("email", "") or "").strip().lower()[:254]


reset_per_address = limiter.limit(
    lambda: current_app.config["RESET_RATE_LIMIT"],
    key_func=_reset_address,
    scope="reset-address",
    methods=["POST"],
    error_message=TOO_MANY_RESETS,
)
"""Reset e-mails asked for one address (whoever asks): nobody floods a mailbox through the form."""
reset_per_client = limiter.limit(
    lambda: current_app.config["RESET_CLIENT_RATE_LIMIT"],
    key_func=get_remote_address,
    scope="reset-client",
    methods=["POST"],
    error_message=TOO_MANY_RESETS,
)
"""Reset requests and link uses from one client address, whatever the address asked for."""


def login_limits(view):
    """Limit POSTs to a sign-in endpoint per client address (all sign-in endpoints share one budget)."""
    return per_ip(view)


def add_retry_after(response: Response) -> Response:
    """Every 429 says when to come back: from the breached Flask-Limiter window, else one minute."""
    if response.status_code == 429 and "Retry-After" not in response.headers:
        limit = limiter.current_limit
        wait = int(limit.reset_at - time.time()) if limit is not None else 60
        response.headers["Retry-After"] = str(max(1, wait))
    return response


def init_app(app: Flask) -> None:
    """Install the Retry-After hook."""
    app.after_request(add_retry_after)
