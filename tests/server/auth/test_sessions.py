"""Web sessions are server-side records: logout ends them (a copied cookie stops working), they idle out and
expire, the cookie is Secure with the __Host- prefix whenever it can be, and bearer tokens work only under /api."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from server.models import SessionStage, WebSession
from server.models.types import utcnow
from server.services.accounts.tokens import issue_token
from tests.clients import FreshContextClient
from tests.server.auth_helpers import bearer, new_client, web_login, web_logout


class HttpsClient(FreshContextClient):
    """A browser talking to the app over HTTPS (sending a Referer, which CSRF checks on HTTPS demand)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        self.environ_base["HTTP_REFERER"] = "https://localhost/login"
        return super().open(*args, **kwargs)


def copy_of(app, client) -> FreshContextClient:
    """Another browser holding a copy of `client`'s cookies (what a thief would have)."""
    thief = new_client(app)
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def only_session(session) -> WebSession:
    session.expire_all()
    return session.scalars(select(WebSession)).one()


def test_signing_in_stores_a_session_record_with_only_a_hash_of_its_id(app, client, make, session):
    user = make.user()
    web_login(client, user.email, next="/")
    record = only_session(session)
    assert (record.user_id, record.stage, record.ended_at) == (user.id, SessionStage.ACTIVE, None)
    assert record.ip == "127.0.0.1" and "werkzeug" in record.user_agent.lower()
    with client.session_transaction() as cookie:
        plaintext = cookie["sid"]
    assert len(plaintext) >= 43
    assert plaintext not in repr(session.execute(text("SELECT * FROM web_sessions")).all())
    assert record.expires_at - record.created_at == app.config["PERMANENT_SESSION_LIFETIME"]


def test_after_logout_a_copy_of_the_cookie_no_longer_signs_anyone_in(app, client, make, session):
    web_login(client, make.user().email)
    thief = copy_of(app, client)
    assert thief.get("/").status_code == 200, "the copy works while the session is open"
    web_logout(client)
    assert thief.get("/").status_code == 302
    assert only_session(session).ended_reason == "signed_out"


def test_a_session_idle_for_longer_than_the_idle_lifetime_ends(app, client, make, session):
    web_login(client, make.user().email)
    record = only_session(session)
    record.last_seen_at = utcnow() - app.config["SESSION_IDLE_LIFETIME"] - timedelta(seconds=1)
    session.commit()
    assert client.get("/").status_code == 302
    assert only_session(session).ended_reason == "idle"
    from server.models import Activity

    (entry,) = session.query(Activity).filter_by(action="session_ended").all()
    assert "idle" in entry.summary and entry.ip == "127.0.0.1"


def test_use_keeps_a_session_alive_but_never_past_its_absolute_lifetime(app, client, make, session):
    web_login(client, make.user().email)
    record = only_session(session)
    record.last_seen_at = utcnow() - app.config["SESSION_IDLE_LIFETIME"] + timedelta(minutes=2)
    session.commit()
    assert client.get("/").status_code == 200
    assert utcnow() - only_session(session).last_seen_at < timedelta(minutes=1), "use was recorded"
    record = only_session(session)
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/").status_code == 302
    assert only_session(session).ended_reason == "expired"


def test_the_lifetimes_come_from_the_environment(monkeypatch, tmp_path):
    from server.config import from_environment

    monkeypatch.setenv("FIELDAUDIT_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("FIELDAUDIT_SESSION_HOURS", "4")
    config = from_environment(tmp_path)
    assert config["SESSION_IDLE_LIFETIME"] == timedelta(minutes=15)
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=4)


def test_signing_in_again_gives_a_new_session_id(app, client, make, session):
    user = make.user()
    web_login(client, user.email)
    with client.session_transaction() as cookie:
        first = cookie["sid"]
    web_logout(client)
    web_login(client, user.email)
    with client.session_transaction() as cookie:
        assert cookie["sid"] != first


def test_over_plain_http_on_loopback_the_cookie_is_http_only_lax_and_not_secure(client, make):
    response = web_login(client, make.user().email)
    cookie = _session_cookie(response)
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c.split(";")[0])


def test_over_https_the_cookie_is_secure_and_named_host_prefixed(app, make):
    browser = HttpsClient(app, app.response_class, use_cookies=True)
    response = web_login(browser, make.user().email)
    cookie = _session_cookie(response)
    assert cookie.startswith("__Host-session=")
    assert "; Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert browser.get("/").status_code == 200


@pytest.mark.parametrize("setting", [{"PROXY_HOPS": 1}, {"SESSION_COOKIE_SECURE": True}])
def test_behind_a_proxy_or_when_forced_the_cookie_is_secure_even_for_a_plain_request(app, make, setting):
    app.config.update(setting)
    client = new_client(app)
    response = web_login(client, make.user().email)
    cookie = _session_cookie(response)
    assert cookie.startswith("__Host-session=") and "; Secure" in cookie


def test_secure_cookies_come_from_the_environment(monkeypatch, tmp_path):
    from server.auth.cookies import cookies_always_secure
    from server.config import from_environment

    assert cookies_always_secure(from_environment(tmp_path)) is False
    monkeypatch.setenv("FIELDAUDIT_PROXY_HOPS", "1")
    assert cookies_always_secure(from_environment(tmp_path)) is True
    monkeypatch.setenv("FIELDAUDIT_PROXY_HOPS", "0")
    monkeypatch.setenv("FIELDAUDIT_SECURE_COOKIES", "1")
    assert cookies_always_secure(from_environment(tmp_path)) is True


def test_a_bearer_token_does_not_open_web_pages(client, make, session):
    _, token = issue_token(session, make.user("admin"), "Laptop")
    session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    for page in ("/", "/admin/users", "/account", "/reports/visits/00000000-0000-0000-0000-000000000000.pdf"):
        response = client.get(page, headers=bearer(token))
        assert response.status_code in (302, 404) and (
            response.status_code == 404 or "/login" in response.headers["Location"]
        ), page
    assert client.get("/admin/users", headers=bearer(token)).status_code == 302


def test_a_half_finished_sign_in_opens_no_page_and_no_api(app, client, make, session):
    admin = make.user("admin")
    response = web_login(client, admin.email, code_step=False)
    assert response.headers["Location"] == "/login/code"
    assert only_session(session).stage is SessionStage.SECOND_FACTOR
    for page in ("/", "/admin/users", "/account", "/dashboard/"):
        assert client.get(page).status_code == 302, page
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/login").headers["Location"] == "/login/code", "the sign-in page sends them back to the step"


def test_a_pending_sign_in_expires_after_ten_minutes(client, make, session):
    web_login(client, make.user("admin").email, code_step=False)
    record = only_session(session)
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "expired" in client.get("/login").text
