"""'My account': every signed-in role reaches it from the top bar; it lists the user's own web sessions and
phone sign-ins (and nobody else's), revokes a phone, signs out everywhere, and offers the second factor."""

from __future__ import annotations

import pytest

from server.models import ApiToken, WebSession
from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import api_login, bearer, csrf_token, new_client, web_login


@pytest.mark.parametrize("role", ["admin", "manager", "shopper"])
def test_every_role_finds_my_account_in_the_top_bar(client, make, role):
    web_login(client, make.user(role).email)
    home = client.get("/").text
    assert 'href="/account"' in home
    page = client.get("/account")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert all(
        part in page.text
        for part in ("Change password", "Second factor", "Web sessions", "Phone sign-ins", "Sign out everywhere")
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/account", "/account/mfa/enrol"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_lists_only_my_sessions_and_phones_and_marks_this_browser(app, client, make, session):
    me, other = make.user("manager"), make.user("manager")
    issue_token(session, me, "My Pixel")
    issue_token(session, other, "Their iPhone")
    session.commit()
    elsewhere = new_client(app)
    elsewhere.environ_base["HTTP_USER_AGENT"] = "Other browser/9"
    web_login(elsewhere, me.email)
    web_login(new_client(app), other.email)
    web_login(client, me.email)
    page = client.get("/account").text
    assert "My Pixel" in page and "Their iPhone" not in page
    assert "Other browser/9" in page and page.count("this browser") == 1


def test_revoking_my_phone_from_the_page_stops_it_and_someone_elses_token_is_404(app, client, make, session):
    me, other = make.user(), make.user()
    phone = new_client(app)
    mine = api_login(phone, me.email, device_name="My Pixel").json
    _, theirs = issue_token(session, other, "Theirs")
    session.commit()
    theirs_id = session.query(ApiToken).filter_by(name="Theirs").one().id
    web_login(client, me.email)
    token = csrf_token(client.get("/account").text)
    response = client.post(f"/account/tokens/{mine['id']}/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert "Phone sign-in My Pixel" in response.text and "revoked" in response.text
    assert phone.get("/api/v1/me", headers=bearer(mine["token"])).status_code == 401
    assert client.post(f"/account/tokens/{theirs_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.get("/api/v1/me", headers=bearer(theirs)).status_code == 200


def test_an_admin_cannot_revoke_someone_elses_token_through_their_own_account_page(client, make, session):
    _, theirs = issue_token(session, make.user(), "Theirs")
    session.commit()
    theirs_id = session.query(ApiToken).one().id
    web_login(client, make.user("admin").email)
    token = csrf_token(client.get("/account").text)
    assert client.post(f"/account/tokens/{theirs_id}/revoke", data={"csrf_token": token}).status_code == 404


def test_sign_out_everywhere_ends_every_session_and_phone_and_says_so(app, client, make, session):
    me = make.user("manager")
    other_browser = new_client(app)
    web_login(other_browser, me.email)
    phone = new_client(app)
    token = api_login(phone, me.email).json["token"]
    web_login(client, me.email)
    response = client.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(client.get("/account").text)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Signed out everywhere: 1 phone sign-in revoked and 2 web sessions ended." in client.get("/login").text
    assert client.get("/").status_code == 302 and other_browser.get("/").status_code == 302
    assert phone.get("/api/v1/me", headers=bearer(token)).status_code == 401
    session.expire_all()
    assert session.query(WebSession).filter(WebSession.ended_at.is_(None)).count() == 0


def test_the_account_forms_need_their_csrf_token(client, make):
    web_login(client, make.user().email)
    for url in ("/account/password", "/account/sign-out-everywhere", "/account/mfa/off", "/account/mfa/recovery-codes"):
        response = client.post(url)
        assert response.status_code in (302, 400), url
    assert client.get("/").status_code == 200, "nothing happened"


def test_new_recovery_codes_need_the_password_and_are_shown_once(client, make, session):
    from server.models import RecoveryCode
    from server.services.accounts.mfa import replace_recovery_codes

    manager = make.user("manager", mfa=True)
    old = replace_recovery_codes(session, manager)
    session.commit()
    web_login(client, manager.email)
    token = csrf_token(client.get("/account").text)
    wrong = client.post("/account/mfa/recovery-codes", data={"codes_password": "nope", "csrf_token": token})
    assert wrong.status_code == 422 and 'id="codes_password-error"' in wrong.text
    shown = client.post(
        "/account/mfa/recovery-codes", data={"codes_password": "correct horse battery staple", "csrf_token": token}
    )
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "private, no-store"
    assert "10 recovery codes left" in client.get("/account").text
    assert old[0] not in shown.text
    session.expire_all()
    assert session.query(RecoveryCode).filter_by(user_id=manager.id).count() == 10
