"""A request that finds an application context an earlier request used is refused (500), never served with
the earlier request's `g` (user, CSRF token, API token id) and database session."""

from __future__ import annotations

from tests.server.auth_helpers import api_login, bearer, new_client


def test_requests_sharing_one_application_context_are_refused_after_the_first(app, make):
    # The `app` fixture keeps one application context pushed; Flask's plain test client then runs every
    # request inside it, exactly as gunicorn workers forked under `@with_appcontext` did (issue 9).
    shopper = make.user("shopper")
    token = api_login(new_client(app), shopper.email).get_json()["token"]
    shared = app.test_client()
    first = shared.get("/api/v1/me", headers=bearer(token))
    assert first.status_code == 200 and first.get_json()["email"] == shopper.email
    anonymous = shared.get("/api/v1/me")  # would have been answered as the shopper
    assert anonymous.status_code == 500
    assert shopper.email not in anonymous.get_data(as_text=True)


def test_a_request_in_its_own_context_is_served_every_time(app, make):
    shopper = make.user("shopper")
    browser = new_client(app)
    token = api_login(browser, shopper.email).get_json()["token"]
    for _ in range(3):
        assert browser.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert browser.get("/api/v1/me").status_code == 401
