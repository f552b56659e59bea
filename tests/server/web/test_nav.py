"""The top bar shows each role its own areas, and only areas that exist."""

from __future__ import annotations

from server.web.nav import NAV
from tests.server.auth_helpers import web_login


def test_an_admin_only_area_appears_in_the_top_bar_for_admins_and_not_for_shoppers(app, make):
    admin, shopper = make.user("admin"), make.user("shopper")

    from tests.clients import new_client

    admin_browser, shopper_browser = new_client(app), new_client(app)
    web_login(admin_browser, admin.email)
    web_login(shopper_browser, shopper.email)
    assert 'href="/review/"' in admin_browser.get("/").text
    assert 'href="/review/"' not in shopper_browser.get("/").text


def test_areas_that_are_not_registered_are_not_linked(app, client, make):
    app.view_functions.pop("org.users", None)  # whatever exists, one admin area that does not
    web_login(client, make.user("admin").email)
    page = client.get("/").text
    assert 'aria-current="page">Overview' in page
    for item in NAV:
        shown = f">{item.label}</a>" in page
        assert shown == (item.endpoint in app.view_functions), item.label
