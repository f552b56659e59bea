"""A person signs in with a browser and sees their own start page."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD


def test_a_manager_signs_in_in_chromium_and_sees_their_region(page, live_server, make):
    region = make.region(name="Lakeside")
    make.branch(region, name="Harbour Street")
    manager = make.user("manager", regions=[region])
    sign_in(page, live_server, manager.email, PASSWORD)
    assert page.locator("h1").first.inner_text() == "My regions"
    assert page.get_by_text("Harbour Street").is_visible()


def test_a_wrong_password_keeps_the_email_and_says_what_is_wrong(page, live_server, make):
    user = make.user("admin")
    sign_in(page, live_server, user.email, "not the password")
    assert page.input_value("input[name=email]") == user.email
    assert page.locator(".flash.error, .field-error").first.is_visible()
