"""Every sign-in event goes to the activity log with the normalised email, address and user agent, and never a
password, code or token; the admin's user page shows a user's recent failures."""

from __future__ import annotations

from sqlalchemy import text

from server.models import Activity
from tests.factories import PASSWORD
from tests.server.auth_helpers import (
    api_login,
    authenticator_code,
    bearer,
    csrf_token,
    new_client,
    web_login,
    web_logout,
)

SECRET_GUESS = "my secret guess 12345"


def entries(session, action):
    session.expire_all()
    return session.query(Activity).filter_by(action=action).order_by(Activity.id).all()


def browser(app, agent="Firefox/140 test"):
    client = new_client(app)
    client.environ_base.update({"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": agent})
    return client


def test_failures_are_logged_with_normalised_email_address_and_agent_but_no_password(app, make, session):
    user = make.user(email="kim@example.org")
    web_login(browser(app), "  KIM@Example.ORG ", SECRET_GUESS)
    web_login(browser(app), "nobody@example.org", SECRET_GUESS)
    known, unknown = entries(session, "sign_in_failed")
    assert (known.email, known.ip, known.user_agent, known.object_id) == (
        "kim@example.org",
        "198.51.100.7",
        "Firefox/140 test",
        str(user.id),
    )
    assert known.actor_id is None, "the person failing is not known to be the user"
    assert (unknown.email, unknown.object_id) == ("nobody@example.org", "unknown")
    dump = repr(session.execute(text("SELECT * FROM activity_log")).all())
    assert SECRET_GUESS not in dump


def test_success_logout_and_session_events_are_logged(app, make, session):
    user = make.user()
    client = browser(app)
    web_login(client, user.email)
    web_logout(client)
    (signed_in,), (signed_out,) = entries(session, "sign_in"), entries(session, "sign_out")
    assert signed_in.actor_id == user.id and signed_in.ip == "198.51.100.7" and signed_in.email == user.email
    assert signed_out.actor_id == user.id
    web_login(client, user.email)
    page = client.get("/account")
    client.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(page.text)})
    assert entries(session, "sessions_ended")[0].summary.startswith(f"{user.email} signed out everywhere")


def test_token_issue_and_revoke_are_logged_by_prefix_never_the_token(app, make, session):
    user = make.user()
    client = browser(app, "fieldaudit-mobile/0.1")
    issued = api_login(client, user.email, device_name="Pixel 7").json
    client.delete(f"/api/v1/auth/tokens/{issued['id']}", headers=bearer(issued["token"]))
    (issue,), (_revoke,) = entries(session, "token_issued"), entries(session, "token_revoked")
    assert "Pixel 7" in issue.summary and issue.user_agent == "fieldaudit-mobile/0.1"
    assert issued["token"][:10] in issue.summary and issued["token"] not in issue.summary
    dump = repr(session.execute(text("SELECT * FROM activity_log")).all())
    assert issued["token"] not in dump


def test_mfa_code_use_and_refusal_are_logged_without_the_code(app, make, session):
    admin = make.user("admin")
    client = browser(app)
    web_login(client, admin.email, code_step=False)
    page = client.get("/login/code")
    client.post("/login/code", data={"code": "123456", "csrf_token": csrf_token(page.text)})
    code = authenticator_code(admin.email)
    client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert len(entries(session, "mfa_code_refused")) == 1 and len(entries(session, "mfa_code_used")) == 1
    dump = repr(session.execute(text("SELECT summary FROM activity_log")).all())
    assert code not in dump and "123456" not in dump


def test_password_changes_and_resets_are_logged(app, make, session):
    from tests.server.web.org.conftest import sign_in_as

    admin, shopper = make.user("admin"), make.user("shopper")
    as_admin = sign_in_as(new_client(app), admin)
    as_admin.post(
        f"/admin/users/{shopper.id}/password", {"password": "temporary pass 2026", "confirm": "temporary pass 2026"}
    )
    (reset,) = entries(session, "password_reset")
    assert reset.actor_id == admin.id and reset.object_id == str(shopper.id) and "temporary pass" not in reset.summary


def test_the_admins_user_page_lists_recent_failures(app, make):
    from tests.server.web.org.conftest import sign_in_as

    shopper = make.user("shopper")
    web_login(browser(app, "Evil/1.0"), shopper.email, SECRET_GUESS)
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    page = as_admin.get(f"/admin/users/{shopper.id}").text
    failures = page.split('id="failures"')[1].split("</section>")[0]
    assert "sign_in_failed" in failures and "198.51.100.7" in failures and "Evil/1.0" in failures
    log = as_admin.get("/admin/activity").text
    assert "sign_in_failed" in log and "198.51.100.7 · Evil/1.0" in log, "the activity page shows address and agent"
    clean = make.user("shopper")
    assert "No failed sign-ins recorded." in as_admin.get(f"/admin/users/{clean.id}").text
    assert PASSWORD not in page and SECRET_GUESS not in page and SECRET_GUESS not in log
