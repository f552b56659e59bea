"""Fixtures for the admin organisation pages: a signed-in admin and a way to post forms with their CSRF token."""

from __future__ import annotations

import pytest

from tests.server.auth_helpers import csrf_token, web_login


class Browser:
    """A signed-in test client that posts forms the way a browser does (with the session's CSRF token)."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        web_login(client, user.email)
        self.token = csrf_token(client.get("/").text)

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def admin(make):
    return make.user("admin", name="Ada Admin")


@pytest.fixture
def as_admin(client, admin):
    """The admin, signed in."""
    return Browser(client, admin)


def sign_in_as(client, user) -> Browser:
    """Any user, signed in."""
    return Browser(client, user)
