"""Passwords an admin sets (create user, reset, the CLI) are temporary: the user chooses their own at first
sign-in before reaching any page; every password change or reset revokes tokens and ends other sessions."""

from __future__ import annotations

from sqlalchemy import select

from server.models import ApiToken, User, WebSession
from tests.server.auth_helpers import api_login, bearer, csrf_token, new_client, web_login

NEW = "my own secret phrase"


def test_a_user_created_by_an_admin_must_choose_a_password_before_any_page(app, make, session):
    from tests.server.web.org.conftest import sign_in_as

    as_admin = sign_in_as(new_client(app), make.user("admin"))
    as_admin.post(
        "/admin/users/new",
        {"email": "mo@example.test", "name": "Mo", "role": "shopper", "password": "given by the admin"},
    )
    assert session.scalar(select(User).where(User.email == "mo@example.test")).must_change_password
    client = new_client(app)
    response = web_login(client, "mo@example.test", "given by the admin")
    assert response.headers["Location"] == "/login/new-password"
    for page in ("/", "/account", "/api/v1/me"):
        assert client.get(page).status_code in (302, 401), page
    form = client.get("/login/new-password")
    same = client.post(
        "/login/new-password",
        data={"password": "given by the admin", "confirm": "given by the admin", "csrf_token": csrf_token(form.text)},
    )
    assert same.status_code == 422 and "different from the current one" in same.text
    weak = client.post(
        "/login/new-password", data={"password": "short", "confirm": "short", "csrf_token": csrf_token(form.text)}
    )
    assert weak.status_code == 422 and 'id="password-error"' in weak.text
    done = client.post(
        "/login/new-password", data={"password": NEW, "confirm": NEW, "csrf_token": csrf_token(form.text)}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert web_login(new_client(app), "mo@example.test", NEW).headers["Location"] == "/"


def test_a_temporary_password_gets_no_phone_token_until_it_is_replaced(client, make):
    shopper = make.user("shopper", temporary=True)
    response = api_login(client, shopper.email)
    assert response.status_code == 403 and response.json["reason"] == "password_change_required"


def test_an_admin_with_a_temporary_password_changes_it_after_the_code_and_before_anything_else(app, make):
    admin = make.user("admin", temporary=True)
    client = new_client(app)
    assert web_login(client, admin.email).headers["Location"] == "/login/new-password"


def test_an_admin_reset_revokes_tokens_ends_sessions_and_says_so(app, make, session):
    from tests.server.web.org.conftest import sign_in_as

    shopper = make.user("shopper")
    phone = new_client(app)
    token = api_login(phone, shopper.email).json["token"]
    browser = new_client(app)
    web_login(browser, shopper.email)
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    response = as_admin.post(
        f"/admin/users/{shopper.id}/password",
        {"password": "temporary pass 2026", "confirm": "temporary pass 2026"},
        follow_redirects=True,
    )
    assert "must choose their own at next sign-in; 1 phone sign-in revoked and 1 web session ended" in response.text
    assert phone.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert browser.get("/").status_code == 302
    assert web_login(new_client(app), shopper.email, "temporary pass 2026").headers["Location"] == "/login/new-password"


def test_changing_your_own_password_keeps_this_browser_and_ends_everything_else(app, make, session):
    user = make.user("manager")
    phone = new_client(app)
    token = api_login(phone, user.email).json["token"]
    other_browser, here = new_client(app), new_client(app)
    web_login(other_browser, user.email)
    web_login(here, user.email)
    page = here.get("/account")
    response = here.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "password": NEW,
            "confirm": NEW,
            "csrf_token": csrf_token(page.text),
        },
        follow_redirects=True,
    )
    assert "Password changed; 1 phone sign-in revoked and 1 web session ended." in response.text
    assert here.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302
    assert phone.get("/api/v1/me", headers=bearer(token)).status_code == 401
    session.expire_all()
    assert session.query(ApiToken).filter(ApiToken.revoked_at.is_(None)).count() == 0
    assert not session.get(User, user.id).must_change_password
    assert session.query(WebSession).filter(WebSession.ended_at.is_(None)).count() == 1


def test_changing_your_own_password_needs_the_current_one_and_names_each_wrong_field(client, make):
    user = make.user()
    web_login(client, user.email)
    token = csrf_token(client.get("/account").text)
    cases = [
        ({"current": "not it", "password": NEW, "confirm": NEW}, "current-error"),
        ({"current": "correct horse battery staple", "password": NEW, "confirm": NEW + "x"}, "confirm-error"),
        (
            {"current": "correct horse battery staple", "password": "password1234", "confirm": "password1234"},
            "password-error",
        ),
    ]
    for data, error in cases:
        response = client.post("/account/password", data={**data, "csrf_token": token})
        assert response.status_code == 422 and f'id="{error}"' in response.text, data
        assert NEW not in response.text
