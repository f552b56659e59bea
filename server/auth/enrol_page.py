"""The authenticator set-up page both sign-in (admins must enrol) and My account (anyone may) show."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from server.extensions import db
from server.models import User
from server.services.accounts.mfa import grouped, qr_svg, start_enrolment
from server.services.transactions import atomic


def enrol_page(user: User, error: str | None, endpoint: str, **shown: object) -> Response:
    """The QR code and secret to scan (a fresh one when none is pending or on ?restart=1); 422 when `error`."""
    secret = user.totp_pending_secret
    if not secret or (request.method == "GET" and request.args.get("restart") == "1"):
        with atomic(db.session):  # also after a refused POST whose pending secret is gone (enrolled elsewhere)
            secret = start_enrolment(db.session, user)
    page = render_template(
        "accounts/enrol.html",
        qr=qr_svg(user, secret),
        secret=grouped(secret),
        error=error,
        action=url_for(endpoint),
        restart=url_for(endpoint, restart="1"),
        **shown,
    )
    return Response(page, 422 if error else 200)
