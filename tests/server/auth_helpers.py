"""Helpers for tests that sign in: through the real login form (with its CSRF token and, for users with
a second factor, the code step answered like a person with the authenticator app) or a real token."""

from __future__ import annotations

import re
import time

from tests.clients import new_client  # noqa: F401 - re-exported for tests that need a second browser
from tests.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1) or match.group(2)


def _totp_state(email: str) -> tuple[str | None, int | None]:
    """(secret, last used step) of the user, read on a fresh connection so a request's writes are seen."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import User

    with db.engine.connect() as conn:
        row = conn.execute(
            select(User.totp_secret, User.totp_last_step).where(func.lower(User.email) == email.strip().lower())
        ).first()
    return (row[0], row[1]) if row else (None, None)


def authenticator_code(email: str) -> str | None:
    """The code the user's authenticator app shows now; None if they have no second factor.

    A code is accepted once per 30-second step (replays are refused), and the step after the
    current one is accepted too, so this gives the next unused one, waiting for a new step only
    when a test signs the same person in more than twice within one.
    """
    from server.services.accounts.mfa import DRIFT_STEPS, STEP_SECONDS, code_for

    secret, last = _totp_state(email)
    if secret is None:
        return None
    while True:
        now_step = int(time.time()) // STEP_SECONDS
        step = max(now_step, (last if last is not None else -1) + 1)
        if step <= now_step + DRIFT_STEPS:
            return code_for(secret, step)
        time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.05)


def answer_code_step(client, response, email: str, code: str | None = None):
    """If `response` sends the browser to the code step, enter the authenticator's code there."""
    if response.status_code != 302 or not response.headers["Location"].startswith("/login/code"):
        return response
    page = client.get("/login/code")
    return client.post(
        "/login/code", data={"code": code or authenticator_code(email), "csrf_token": csrf_token(page.text)}
    )


def web_login(client, email: str, password: str = PASSWORD, next: str | None = None, *, code_step: bool = True):
    """Sign in through the login page exactly as a browser does; returns the last POST's response.

    With `code_step` (the default) a user with a second factor also gets past the code step.
    """
    page = client.get("/login")
    query = {"next": next} if next is not None else {}
    response = client.post(
        "/login", query_string=query, data={"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    )
    return answer_code_step(client, response, email) if code_step else response


def web_logout(client):
    """Sign out with the form in the top bar (needs a page that shows it)."""
    page = client.get("/")
    return client.post("/logout", data={"csrf_token": csrf_token(page.text)})


def api_login(client, email: str, password: str = PASSWORD, device_name: str = "Test phone", otp: str | None = None):
    """POST /api/v1/auth/tokens (with the authenticator's code when the user has a second factor)."""
    body = {"email": email, "password": password, "device_name": device_name}
    otp = otp if otp is not None else authenticator_code(email)
    if otp:
        body["otp"] = otp
    return client.post("/api/v1/auth/tokens", json=body)


def bearer(token: str) -> dict:
    """Request headers carrying a bearer token."""
    return {"Authorization": f"Bearer {token}"}
