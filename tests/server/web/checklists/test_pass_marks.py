"""The builder sets the checklist's pass mark and each section's, and names the field when one is out of range."""

from __future__ import annotations

from tests.server.web.checklists.helpers import admin_client, draft_of, post

SETTINGS = {"title": "Store audit", "critical_policy": "flag"}


def _settings(client, version, **form):
    page = f"/builder/versions/{version.id}"
    return post(client, page, f"{page}/settings", {**SETTINGS, **form}, follow_redirects=True)


def test_the_pass_mark_is_saved_from_the_settings_form_with_decimals_and_cleared_when_left_empty(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    assert _settings(client, version, pass_mark="72.5").status_code == 200
    session.refresh(version)
    assert version.definition["pass_mark"] == 72.5
    page = client.get(f"/builder/versions/{version.id}").text
    assert 'name="pass_mark" type="text" value="72.5"' in page and "Pass mark (%)" in page
    _settings(client, version, pass_mark="80 %")
    session.refresh(version)
    assert version.definition["pass_mark"] == 80
    _settings(client, version, pass_mark="")
    session.refresh(version)
    assert "pass_mark" not in version.definition


def test_a_pass_mark_out_of_range_is_named_in_the_live_validation_and_reported_on_the_draft(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    page = f"/builder/versions/{version.id}"
    for typed, words in (("101", "percentage from 0 to 100"), ("eighty", "percentage from 0 to 100")):
        body = post(client, page, f"{page}/validate", {"scope": "settings", **SETTINGS, "pass_mark": typed}).get_json()
        assert [(i["path"], words in i["message"]) for i in body["issues"]] == [("pass_mark", True)], typed
    _settings(client, version, pass_mark="101")
    session.refresh(version)
    assert version.definition["pass_mark"] == 101  # a draft keeps what was typed and is reported until fixed
    assert "pass_mark must be a percentage from 0 to 100, or null" in client.get(page).text


def test_a_section_pass_mark_is_saved_from_the_section_form_and_cleared_when_left_empty(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    page = f"/builder/versions/{version.id}"
    form = {"key": "front", "title": "Front of house", "weight": "", "pass_mark": "75"}
    assert post(client, page, f"{page}/sections/front", form, follow_redirects=True).status_code == 200
    session.refresh(version)
    assert version.definition["sections"][0]["pass_mark"] == 75
    assert "pass mark 75 %" in client.get(page).text
    post(client, page, f"{page}/sections/front", {**form, "pass_mark": ""})
    session.refresh(version)
    assert "pass_mark" not in version.definition["sections"][0]


def test_a_section_pass_mark_out_of_range_is_refused_on_its_form(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    page = f"/builder/versions/{version.id}"
    form = {"key": "front", "title": "Front of house", "weight": "", "pass_mark": "120"}
    response = post(client, page, f"{page}/sections/front", form)
    assert response.status_code == 422
    assert "enter a percentage from 0 to 100, or leave it empty for none" in response.text
    session.refresh(version)
    assert "pass_mark" not in version.definition["sections"][0]
    response = post(client, page, f"{page}/sections/front", {**form, "pass_mark": "lots"})
    assert response.status_code == 422 and "enter a number" in response.text


def test_a_new_section_may_be_added_with_a_pass_mark(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    page = f"/builder/versions/{version.id}"
    post(client, page, f"{page}/sections", {"key": "exit", "title": "Leaving", "weight": "", "pass_mark": "60.5"})
    session.refresh(version)
    assert version.definition["sections"][-1]["pass_mark"] == 60.5
