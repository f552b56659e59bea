"""TOTP second factor: required for admins, optional for others; enrolment, the code step, replay, recovery
codes, reset by another admin, the demo admin's exemption, and the phone token endpoint."""

from __future__ import annotations

import re
import time

from sqlalchemy import select, text

from server.models import Activity, RecoveryCode, Role, User
from server.services.accounts.mfa import code_for, mfa_required
from tests.factories import PASSWORD, TOTP_SECRET
from tests.server.auth_helpers import (
    answer_code_step,
    api_login,
    authenticator_code,
    bearer,
    csrf_token,
    new_client,
    web_login,
    web_logout,
)


def post_form(client, url, data):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


def secret_on(page_text: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page_text).group(1).replace(" ", "")


def current_code(secret: str) -> str:
    return code_for(secret, int(time.time()) // 30)


def enrol_through_page(client, url: str) -> list[str]:
    """Read the secret off the enrolment page like a person with an app, confirm, return the recovery codes."""
    page = client.get(url)
    secret = secret_on(page.text)
    done = client.post(url, data={"code": current_code(secret), "csrf_token": csrf_token(page.text)})
    assert done.status_code == 200, done.text
    return re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", done.text)


def test_admins_must_use_a_second_factor_and_nobody_else_must():
    assert mfa_required(User(role=Role.ADMIN, demo=False))
    assert not mfa_required(User(role=Role.MANAGER, demo=False))
    assert not mfa_required(User(role=Role.SHOPPER, demo=False))


def test_an_admin_without_a_second_factor_must_enrol_before_any_page(client, make, session):
    admin = make.user("admin", mfa=False)
    response = web_login(client, admin.email)
    assert response.headers["Location"] == "/login/enrol"
    for page in ("/", "/admin/users", "/account"):
        assert client.get(page).status_code == 302, page
    enrolment = client.get("/login/enrol")
    assert enrolment.status_code == 200 and enrolment.headers["Cache-Control"] == "private, no-store"
    assert "<svg" in enrolment.text and 'class="qr"' in enrolment.text, "the QR code is inline SVG"
    assert "<script" not in enrolment.text.split("</main>")[0], "no inline script"
    assert "data:" not in enrolment.text
    wrong = client.post("/login/enrol", data={"code": "000000", "csrf_token": csrf_token(enrolment.text)})
    assert wrong.status_code == 422 and "not right" in wrong.text
    codes = enrol_through_page(client, "/login/enrol")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200, "enrolled: signed in"
    session.expire_all()
    assert session.get(User, admin.id).mfa_enabled
    dump = repr(session.execute(text("SELECT * FROM recovery_codes")).all())
    assert not any(code in dump or code.replace("-", "") in dump for code in codes), "codes are stored hashed"
    actions = session.scalars(select(Activity.action).where(Activity.object_id == str(admin.id))).all()
    assert "mfa_enrolled" in actions and "sign_in" in actions


def test_the_enrolment_secret_stays_the_same_on_reload_until_a_new_one_is_asked_for(client, make):
    web_login(client, make.user("admin", mfa=False).email)
    first = secret_on(client.get("/login/enrol").text)
    assert secret_on(client.get("/login/enrol").text) == first
    assert secret_on(client.get("/login/enrol?restart=1").text) != first


def test_a_browser_still_at_enrolment_after_the_admin_enrolled_in_another_gets_the_page_again(app, make):
    admin = make.user("admin", mfa=False)
    first, second = new_client(app), new_client(app)
    web_login(first, admin.email)
    web_login(second, admin.email)
    left_open = second.get("/login/enrol")
    enrol_through_page(first, "/login/enrol")
    again = second.post("/login/enrol", data={"code": "000000", "csrf_token": csrf_token(left_open.text)})
    assert again.status_code == 422 and secret_on(again.text), "an answer with a secret to read, not an error"


def test_an_account_enrolment_confirmed_in_another_tab_offers_a_new_secret(client, make):
    web_login(client, make.user("manager").email)
    left_open = client.get("/account/mfa/enrol")
    enrol_through_page(client, "/account/mfa/enrol")
    again = client.post(
        "/account/mfa/enrol",
        data={
            "code": current_code(secret_on(left_open.text)),
            "password": PASSWORD,
            "csrf_token": csrf_token(left_open.text),
        },
    )
    assert again.status_code == 422 and "Start the set-up again" in again.text
    assert secret_on(again.text) != secret_on(left_open.text)


def test_an_enrolled_user_signs_in_with_a_code_as_a_second_step(client, make):
    admin = make.user("admin")
    response = web_login(client, admin.email, code_step=False)
    assert response.headers["Location"] == "/login/code"
    page = client.get("/login/code")
    assert 'autocomplete="one-time-code"' in page.text and page.headers["Cache-Control"] == "private, no-store"
    done = answer_code_step(client, response, admin.email)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_signed_in_browser_that_opens_a_sign_in_step_again_stays_signed_in(client, make):
    admin = make.user("admin")
    web_login(client, admin.email)
    for step in ("/login/code", "/login/new-password", "/login/enrol"):  # e.g. the back button
        assert client.get(step).headers["Location"] == "/", step
    assert client.get("/").status_code == 200


def test_a_browser_at_one_sign_in_step_that_opens_another_goes_back_to_its_own(client, make):
    admin = make.user("admin")
    web_login(client, admin.email, code_step=False)
    assert client.get("/login/enrol").headers["Location"] == "/login/code"
    assert client.get("/login/code").status_code == 200


def test_a_wrong_code_is_refused_and_five_end_the_sign_in(client, make, session):
    admin = make.user("admin")
    web_login(client, admin.email, code_step=False)
    for _ in range(4):
        response = post_form(client, "/login/code", {"code": "000000"})
        assert response.status_code == 422 and "not right" in response.text
    response = post_form(client, "/login/code", {"code": "000000"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Too many wrong codes" in client.get("/login").text
    assert client.get("/login/code").status_code == 302
    assert session.query(Activity).filter_by(action="mfa_code_refused").count() == 5


def test_a_code_cannot_be_replayed_within_its_time_step(app, make):
    admin = make.user("admin")
    code = current_code(TOTP_SECRET)
    first = new_client(app)
    assert (
        answer_code_step(first, web_login(first, admin.email, code_step=False), admin.email, code).headers["Location"]
        == "/"
    )
    thief = new_client(app)
    replay = answer_code_step(thief, web_login(thief, admin.email, code_step=False), admin.email, code)
    assert replay.status_code == 422 and "used already" in replay.text
    assert thief.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(client, make, app):
    manager = make.user("manager", mfa=False)
    web_login(client, manager.email)
    codes = enrol_through_page(client, "/account/mfa/enrol")
    web_logout(client)
    browser = new_client(app)
    response = answer_code_step(
        browser, web_login(browser, manager.email, code_step=False), manager.email, codes[3].upper().replace("-", " ")
    )
    assert response.status_code == 302 and browser.get("/").status_code == 200
    again = new_client(app)
    reused = answer_code_step(again, web_login(again, manager.email, code_step=False), manager.email, codes[3])
    assert reused.status_code == 422


def test_an_optional_second_factor_is_asked_for_once_a_manager_enrols_and_can_be_turned_off(client, make, app):
    manager = make.user("manager")
    assert web_login(new_client(app), manager.email).headers["Location"] == "/", "no code asked yet"
    web_login(client, manager.email)
    enrol_through_page(client, "/account/mfa/enrol")
    assert web_login(new_client(app), manager.email, code_step=False).headers["Location"] == "/login/code"
    wrong = client.post(
        "/account/mfa/off", data={"off_password": "not it", "csrf_token": csrf_token(client.get("/account").text)}
    )
    assert wrong.status_code == 422 and "not right" in wrong.text
    off = client.post(
        "/account/mfa/off", data={"off_password": PASSWORD, "csrf_token": csrf_token(client.get("/account").text)}
    )
    assert off.status_code == 302
    assert web_login(new_client(app), manager.email, code_step=False).headers["Location"] == "/"


def test_an_admin_cannot_turn_the_second_factor_off(client, make, session):
    admin = make.user("admin")
    web_login(client, admin.email)
    response = client.post(
        "/account/mfa/off", data={"off_password": PASSWORD, "csrf_token": csrf_token(client.get("/account").text)}
    )
    assert response.status_code == 422 and "Admins must keep a second factor" in response.text
    session.expire_all()
    assert session.get(User, admin.id).mfa_enabled


def test_another_admin_resets_a_lost_second_factor_which_is_logged(app, make, session):
    admin, colleague = make.user("admin", name="Ada"), make.user("admin", name="Colin")
    colleague_browser = new_client(app)
    web_login(colleague_browser, colleague.email)
    browser = new_client(app)
    web_login(browser, admin.email)
    page = browser.get(f"/admin/users/{colleague.id}")
    assert "Reset second factor" in page.text
    response = browser.post(f"/admin/users/{colleague.id}/mfa/reset", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert colleague_browser.get("/").status_code == 302, "their sessions ended"
    session.expire_all()
    assert not session.get(User, colleague.id).mfa_enabled
    assert session.query(RecoveryCode).filter_by(user_id=colleague.id).count() == 0
    entry = session.query(Activity).filter_by(action="mfa_reset").one()
    assert entry.actor_id == admin.id and entry.object_id == str(colleague.id) and entry.ip == "127.0.0.1"
    assert web_login(new_client(app), colleague.email).headers["Location"] == "/login/enrol"
    own = browser.post(
        f"/admin/users/{admin.id}/mfa/reset", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True
    )
    assert "Use your account page" in own.text
    session.expire_all()
    assert session.get(User, admin.id).mfa_enabled


def test_the_demo_admin_alone_is_exempt_from_enrolment(app, make):
    demo_admin = make.user("admin", mfa=False, demo=True)
    real_admin = make.user("admin", mfa=False)
    demo_manager = make.user("manager", mfa=False, demo=True)
    assert not mfa_required(demo_admin) and mfa_required(real_admin)
    assert web_login(new_client(app), demo_admin.email).headers["Location"] == "/"
    assert web_login(new_client(app), real_admin.email).headers["Location"] == "/login/enrol"
    assert web_login(new_client(app), demo_manager.email).headers["Location"] == "/"
    assert api_login(new_client(app), real_admin.email).json["reason"] == "mfa_enrolment_required"
    assert api_login(new_client(app), demo_admin.email).status_code == 201


# -- the phone token endpoint ----------------------------------------------------------------------------------------
def test_an_admin_needs_a_code_for_a_token(client, make, session):
    admin = make.user("admin")
    missing = api_login(client, admin.email, otp="")
    assert missing.status_code == 401 and missing.json["reason"] == "otp_required" and "token" not in missing.json
    wrong = api_login(client, admin.email, otp="000000")
    assert wrong.status_code == 401 and wrong.json["reason"] == "otp_invalid"
    issued = api_login(client, admin.email, otp=authenticator_code(admin.email))
    assert issued.status_code == 201
    assert client.get("/api/v1/me", headers=bearer(issued.json["token"])).json["role"] == "admin"
    actions = [a.action for a in session.query(Activity).order_by(Activity.id)]
    assert actions.count("mfa_code_refused") == 1 and "token_issued" in actions


def test_an_admin_without_a_second_factor_gets_no_token(client, make):
    response = api_login(client, make.user("admin", mfa=False).email)
    assert response.status_code == 403 and response.json["reason"] == "mfa_enrolment_required"
    assert "website" in response.json["message"]


def test_a_manager_with_a_second_factor_sends_the_code_and_uses_the_scores_api(client, make):
    region = make.region()
    manager = make.user("manager", regions=[region], mfa=True)
    assert api_login(client, manager.email, otp="").json["reason"] == "otp_required"
    token = api_login(client, manager.email).json["token"]
    assert client.get(f"/api/v1/scores/regions/{region.id}/league", headers=bearer(token)).status_code != 401


def test_shoppers_without_a_second_factor_sign_in_on_the_phone_with_a_password_alone(client, make):
    assert api_login(client, make.user("shopper").email, otp="").status_code == 201


def test_a_recovery_code_works_at_the_token_endpoint_once(client, make, session):
    from server.services.accounts.mfa import replace_recovery_codes

    manager = make.user("manager", mfa=True)
    codes = replace_recovery_codes(session, manager)
    session.commit()
    assert api_login(client, manager.email, otp=codes[0]).status_code == 201
    assert api_login(client, manager.email, otp=codes[0]).json["reason"] == "otp_invalid"


def test_the_openapi_document_describes_the_otp_field_and_the_refusals(client):
    post = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/auth/tokens"]["post"]
    assert {"401", "403", "429"} <= set(post["responses"])
    spec = client.get("/api/v1/openapi.json").json
    schema = spec["components"]["schemas"]["TokenRequest"]["properties"]
    assert "otp" in schema and "second factor" in schema["otp"]["description"]


def test_moving_a_working_authenticator_to_a_new_phone_needs_the_password(client, make, session):
    manager = make.user("manager", mfa=True)
    web_login(client, manager.email)
    page = client.get("/account/mfa/enrol?restart=1")
    assert 'name="password"' in page.text
    new_secret = secret_on(page.text)
    refused = client.post(
        "/account/mfa/enrol",
        data={"code": current_code(new_secret), "password": "not it", "csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 422 and "password is not right" in refused.text
    session.expire_all()
    assert session.get(User, manager.id).totp_secret == TOTP_SECRET, "the old authenticator still works"
    moved = client.post(
        "/account/mfa/enrol",
        data={"code": current_code(new_secret), "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert moved.status_code == 200 and "recovery codes" in moved.text
    session.expire_all()
    assert session.get(User, manager.id).totp_secret == new_secret
