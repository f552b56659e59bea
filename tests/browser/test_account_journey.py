"""In Chromium: a new admin sets up the authenticator at first sign-in (QR code visible, secret typed from the
page), keeps the recovery codes, signs in again with a code, and changes their password on My account."""

from __future__ import annotations

import time

from server.services.accounts.mfa import code_for
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD


def code_now(secret: str, ahead: int = 0) -> str:
    return code_for(secret, int(time.time()) // 30 + ahead)


def test_a_new_admin_enrols_signs_in_with_a_code_and_changes_their_password(page, live_server, make):
    admin = make.user("admin", mfa=False, name="Nia Admin")
    sign_in(page, live_server, admin.email, PASSWORD)
    assert page.url.endswith("/login/enrol")
    qr = page.locator("svg.qr")
    box = qr.bounding_box()
    assert box and box["width"] > 150 and box["height"] > 150, "the QR code is drawn large enough to scan"
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("input[name=code]", code_now(secret))
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    codes = page.locator("ul.codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have saved them: continue")
    page.wait_for_load_state()
    assert page.url == live_server + "/"

    page.click("form[action='/logout'] button")
    page.wait_for_load_state()
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/login/code")
    page.fill("input[name=code]", code_now(secret, ahead=1))  # the enrolment used this step's code
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert page.url == live_server + "/"

    page.click("a.who")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "My account"
    assert page.get_by_text("this browser").is_visible()
    page.fill("#f-current", PASSWORD)
    page.fill("#f-password", "lantern orchard sixty")
    page.fill("#f-confirm", "lantern orchard sixty")
    page.click("#password button[type=submit]")
    page.wait_for_load_state()
    assert "Password changed" in page.inner_text(".flash.success")
