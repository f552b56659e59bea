"""Every demo log-in that `scripts/serve` prints opens with the printed password alone: the demo admin is
exempt from the admin's second factor, and no demo password is temporary."""

from __future__ import annotations

import server.demo.loader as demo_loader
from server.demo import DEMO_PASSWORD, demo_logins, load_demo
from tests.server.auth_helpers import api_login, new_client, web_login


def test_every_printed_demo_log_in_signs_in_with_the_password_alone(app, session, monkeypatch):
    monkeypatch.setattr(demo_loader, "MONTHS", 1)
    load_demo(session)
    logins = demo_logins(session)
    assert {login.role for login in logins} == {"admin", "manager", "shopper"}
    for login in logins:
        browser = new_client(app)
        response = web_login(browser, login.email, DEMO_PASSWORD, code_step=False)
        assert response.status_code == 302 and response.headers["Location"] == "/", login.email
        assert browser.get("/").status_code == 200
        assert api_login(new_client(app), login.email, DEMO_PASSWORD, otp="").status_code == 201, login.email
