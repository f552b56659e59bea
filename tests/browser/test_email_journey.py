"""Invitation and password reset in Chromium through a real SMTP server: the admin invites someone, the person
follows the link from the captured e-mail, chooses a password and is signed in; later they forget it, ask on
the sign-in page, and reset it through the next e-mail. The admin's Outgoing e-mail page lists both."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.smtp_server import SmtpServer

SHOTS = "/tmp/fieldaudit-email"
CHOSEN, RESET = "my chosen passphrase", "my second passphrase"


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config(), "PUBLIC_URL": None}  # links point at the live server itself


def _set_password(page, password):
    page.fill("#f-password", password)
    page.fill("#f-confirm", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_invited_shopper_joins_through_the_e_mail_and_later_resets_their_password(
    browser, page, live_server, make, smtp_server
):
    admin = make.user("admin", name="Ada Admin")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(live_server + "/admin/users/new")
    page.fill("#f-email", "nia@example.test")
    page.fill("#f-name", "Nia Novak")
    page.select_option("#f-role", "shopper")
    assert page.is_checked("input[name=access][value=invite]")
    page.screenshot(path=f"{SHOTS}-invite-form.png", full_page=True)
    page.click("button[type=submit] >> text=Create user")
    assert page.locator("span.badge", has_text="invited, not yet joined").is_visible()
    page.screenshot(path=f"{SHOTS}-users.png", full_page=True)

    [invitation] = smtp_server.wait_for(1)
    assert invitation.rcpt_tos == ["nia@example.test"] and "Nia Novak" in invitation.part("html")
    person = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    person.goto(invitation.link())
    assert "Welcome, Nia Novak" in person.locator("h1").inner_text()
    _set_password(person, "short")
    assert person.locator("#password-error").is_visible()
    person.screenshot(path=f"{SHOTS}-join-error.png", full_page=True)
    _set_password(person, CHOSEN)
    assert person.url == live_server + "/"
    person.goto(invitation.link())
    assert person.locator("#link-spent").is_visible()

    person.context.clear_cookies()
    person.goto(live_server + "/login")
    person.click("text=Forgot your password?")
    person.fill("#f-email", "nia@example.test")
    person.click("button[type=submit]")
    assert person.locator("#reset-sent").is_visible()
    person.screenshot(path=f"{SHOTS}-reset-sent.png", full_page=True)
    reset = smtp_server.wait_for(2)[1]
    person.goto(reset.link())
    person.screenshot(path=f"{SHOTS}-reset-form.png", full_page=True)
    _set_password(person, RESET)
    assert person.url == live_server + "/"

    page.goto(live_server + "/admin/mail")
    assert page.locator("#mail-messages tr.mail-sent").count() == 2
    page.screenshot(path=f"{SHOTS}-outbox.png", full_page=True)
