"""Sign-in rate limits, shared by the web form and the API token endpoint so neither is a side door."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter

TOO_MANY = "Too many sign-in attempts. Please wait a minute and try again."


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def submitted_email() -> str:
    """The email a sign-in attempt names (form or JSON), never failing on a hostile body."""
    email = request.form.get("email") if request.form else None
    if email is None and request.is_json:
        try:
            body = json.loads(request.get_data(cache=True))
        except (ValueError, RecursionError):
            body = None
        email = body.get("email") if isinstance(body, dict) else None
    return email.strip().lower() if isinstance(email, str) else ""


def _email_key() -> str:
    """Hashed, so an attacker's huge 'emails' do not become huge keys in the limiter's storage."""
    digest = hashlib.sha256(submitted_email().encode("utf-8", "replace")).hexdigest()
    return f"email:{digest[:32]}"


per_ip = limiter.shared_limit(_limit, scope="login-ip", key_func=get_remote_address,
                              methods=["POST"], error_message=TOO_MANY)
per_email = limiter.shared_limit(_limit, scope="login-email", key_func=_email_key,
                                 methods=["POST"], error_message=TOO_MANY)


def login_limits(view):
    """Limit POSTs to a sign-in endpoint per client address and per submitted email."""
    return per_ip(per_email(view))
