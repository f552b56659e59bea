"""The admin page "Organisation settings": shows the defaults at first, saves a form with its CSRF token, names a
wrong field, logs each change, and sits in the admins' navigation."""

from __future__ import annotations

from sqlalchemy import select

from server.models import Activity
from server.services.org.settings import load_settings
from server.services.org.settings_registry import DEFAULTS


def test_a_fresh_organisation_shows_every_setting_at_its_default(as_admin):
    page = as_admin.get("/admin/settings").text
    assert "<h1>Organisation settings</h1>" in page
    assert (
        "Show shoppers to managers as pseudonyms" in page and "Show the score preview to shoppers on the phone" in page
    )
    assert 'name="shopper_pseudonyms" value="1" checked' in page
    assert 'name="show_score_preview" value="1">' in page  # unchecked
    assert "Default: on." in page and "Default: off." in page


def test_the_admin_navigation_links_the_settings_page_and_marks_it_current(as_admin):
    page = as_admin.get("/admin/settings").text
    assert '<a href="/admin/settings" aria-current="page">Settings</a>' in page
    assert 'href="/admin/settings"' in as_admin.get("/").text


def test_saving_the_form_stores_the_values_and_logs_who_changed_what(as_admin, session, admin):
    response = as_admin.post("/admin/settings", {"show_score_preview": "1"})  # pseudonyms unticked
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/settings")
    session.expire_all()
    settings = load_settings(session)
    assert (settings.shopper_pseudonyms, settings.show_score_preview) == (False, True)
    entries = {
        e.object_id: (e.actor_id, e.summary)
        for e in session.scalars(select(Activity).where(Activity.object_type == "setting"))
    }
    assert entries == {
        "shopper_pseudonyms": (admin.id, "Show shoppers to managers as pseudonyms: on → off"),
        "show_score_preview": (admin.id, "Show the score preview to shoppers on the phone: off → on"),
    }
    page = as_admin.get("/admin/settings").text
    assert "Organisation settings saved." in page and 'name="show_score_preview" value="1" checked' in page


def test_a_wrong_value_is_named_and_nothing_is_saved(as_admin, session):
    response = as_admin.post("/admin/settings", {"shopper_pseudonyms": "1", "show_score_preview": "yes please"})
    assert response.status_code == 422
    assert 'id="show_score_preview-error">must be on or off.' in response.text
    session.expire_all()
    settings_logged = session.scalars(select(Activity).where(Activity.object_type == "setting")).all()
    assert load_settings(session) == DEFAULTS and settings_logged == []


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(as_admin, session):
    response = as_admin.client.post("/admin/settings", data={"show_score_preview": "1"})
    assert response.status_code == 400
    session.expire_all()
    assert load_settings(session) == DEFAULTS
