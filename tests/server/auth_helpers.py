"""Helpers for tests that sign in: through the real login form (with its CSRF token) or a real token."""
from __future__ import annotations

import re

from tests.clients import new_client  # noqa: F401 - re-exported for tests that need a second browser
from tests.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1) or match.group(2)


def web_login(client, email: str, password: str = PASSWORD, next: str | None = None):
    """Sign in through the login page exactly as a browser does; returns the POST response."""
    page = client.get("/login")
    query = {"next": next} if next is not None else {}
    return client.post("/login", query_string=query,
                       data={"email": email, "password": password, "csrf_token": csrf_token(page.text)})


def web_logout(client):
    """Sign out with the form in the top bar (needs a page that shows it)."""
    page = client.get("/")
    return client.post("/logout", data={"csrf_token": csrf_token(page.text)})


def api_login(client, email: str, password: str = PASSWORD, device_name: str = "Test phone"):
    """POST /api/v1/auth/tokens; returns the response."""
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password, "device_name": device_name})


def bearer(token: str) -> dict:
    """Request headers carrying a bearer token."""
    return {"Authorization": f"Bearer {token}"}
