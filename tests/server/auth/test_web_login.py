"""Signing in and out of the web pages: sessions, CSRF, redirects, and sessions that must end."""

from __future__ import annotations

import pytest

from server.services.accounts.users import deactivate_user, set_password
from tests.server.auth_helpers import csrf_token, new_client, web_login, web_logout


def test_a_user_signs_in_with_email_and_password_and_sees_the_start_page(client, make):
    user = make.user("admin")
    response = web_login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert user.name in page.text and "Sign out" in page.text


def test_the_email_is_matched_ignoring_case_and_surrounding_spaces(client, make):
    make.user(email="mixed@example.test")
    assert web_login(client, "  MIXED@Example.TEST ").status_code == 302


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back_afterwards(client, make):
    user = make.user("manager")
    response = client.get("/?tab=branches")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"])
    assert 'action="/login?next=' in page.text
    response = web_login(client, user.email, next="/?tab=branches")
    assert response.headers["Location"] == "/?tab=branches"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\tfoo",
        " //evil.example",
        "evil.example",
    ],
)
def test_the_next_parameter_only_ever_redirects_within_the_site(client, make, target):
    user = make.user()
    response = web_login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_email_get_the_same_message_and_keep_the_email(client, make):
    user = make.user()
    wrong_password = web_login(client, user.email, "not the password at all")
    unknown_email = web_login(client, "nobody@example.test")
    for response, email in ((wrong_password, user.email), (unknown_email, "nobody@example.test")):
        assert response.status_code == 200
        assert "Email or password is incorrect." in response.text
        assert f'value="{email}"' in response.text
        assert "not the password" not in response.text
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, make):
    user = make.user(active=False)
    response = web_login(client, user.email)
    assert "Email or password is incorrect." in response.text


def test_a_login_post_without_the_csrf_token_is_refused(client, make):
    user = make.user()
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    assert response.status_code == 400
    assert "form expired" in response.text.lower()
    assert client.get("/").status_code == 302


def test_a_logout_post_without_the_csrf_token_is_refused_and_the_session_survives(client, make):
    user = make.user()
    web_login(client, user.email)
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_logout_is_post_only(client, make):
    web_login(client, make.user().email)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_ends_the_session(client, make):
    web_login(client, make.user().email)
    response = web_logout(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You have signed out." in client.get("/login").text
    assert client.get("/").status_code == 302


def test_a_signed_in_user_opening_the_login_page_goes_to_the_start_page(client, make):
    web_login(client, make.user().email)
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_deactivating_a_user_ends_their_existing_web_session(client, make, session):
    user = make.user()
    web_login(client, user.email)
    assert client.get("/").status_code == 200
    deactivate_user(session, user)
    session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changing_the_password_ends_every_existing_session(app, make, session):
    user = make.user()
    laptop, phone_browser = new_client(app), new_client(app)
    web_login(laptop, user.email)
    web_login(phone_browser, user.email)
    set_password(session, user, "a brand new password")
    session.commit()
    assert laptop.get("/").status_code == 302
    assert phone_browser.get("/").status_code == 302
    assert web_login(laptop, user.email, "a brand new password").status_code == 302
    assert laptop.get("/").status_code == 200


@pytest.mark.parametrize("forged", ["not-a-session-id", "", "x" * 500, 12345, None, "\ud800"])
def test_a_tampered_session_id_is_treated_as_signed_out(client, make, forged):
    user = make.user()
    web_login(client, user.email)
    with client.session_transaction() as sess:
        sess["sid"] = forged
        sess["_user_id"] = str(user.id)  # Flask-Login's own key means nothing here
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(client, make):
    response = web_login(client, make.user().email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_login_page_has_a_csrf_token_and_the_stylesheet(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert csrf_token(page.text)
    assert "fieldaudit.css" in page.text
    assert client.get("/static/fieldaudit.css").status_code == 200
