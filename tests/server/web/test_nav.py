"""The top bar shows each role its own areas, and only areas that exist."""
from __future__ import annotations

from flask import Blueprint

from server.web.nav import NAV
from tests.server.auth_helpers import web_login


def test_an_area_appears_in_the_top_bar_only_for_its_roles_once_it_is_registered(app, make):
    if "review.queue" not in app.view_functions:  # the real review queue registers it; else stand one in
        area = Blueprint("review", __name__)
        area.add_url_rule("/review/", "queue", lambda: "queue")
        app.register_blueprint(area)
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
