"""An admin builds a checklist in Chromium: creates it, adds a section and two questions, sees a live validation
message while typing and fixes it, previews it with a score, and publishes it."""

from __future__ import annotations

import os

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

SHOTS = os.environ.get("BUILDER_SCREENSHOTS", "/tmp")


def add_question(page, key: str, text: str, kind: str) -> None:
    page.click("text=+ Add question")
    page.fill("#f-text", text)
    page.fill("#f-key", key)
    page.select_option("#f-type", kind)


def test_an_admin_builds_previews_and_publishes_a_checklist(page, live_server, make):
    admin = make.user("admin")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.click("nav.sections >> text=Checklists")
    page.fill("#f-title", "Branch welcome check")
    page.click("text=Create checklist")
    assert page.locator("h1").inner_text().startswith("Branch welcome check")
    assert "sections must not be empty" in page.locator("#b-problems").inner_text()

    page.fill("#new-section #f-title", "Arrival")
    page.fill("#new-section #f-key", "arrival")
    page.click("text=Add section")
    assert "section 'arrival' (1)" in page.locator("#s-arrival .b-issues-inline").inner_text()

    add_question(page, "open_on_time", "Was the branch open on time?", "yes_no")
    assert page.locator("fieldset[data-types='scale number']").is_hidden(), "only the yes/no fields show"
    page.check("input[name=required]")
    page.check("input[name=critical]")
    page.select_option("#f-critical_policy", "zero")
    page.click("text=Add question")
    assert page.locator("#q-open_on_time").is_visible()

    add_question(page, "friendly", "How friendly was the greeting?", "scale")
    page.fill("#f-min", "5")
    page.fill("#f-max", "3")
    live = page.locator("#live-issues")
    live.get_by_text("max must be greater than min (min is 5, max is 3)").wait_for()
    page.fill("#f-min", "1")
    page.fill("#f-max", "5")
    live.get_by_text("max must be greater than min").wait_for(state="detached")
    page.fill("#f-labels", "1 = Cold\n5 = Warm")
    page.click("button:has-text('Add question')")
    assert "No problems" in page.locator("#b-problems").inner_text()
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.screenshot(path=f"{SHOTS}/builder-edit.png", full_page=True)

    page.click("text=Preview and score")
    page.check("input[name=a-open_on_time][value=yes]")
    page.check("input[name=a-friendly][value='4']")
    page.click("text=Compute the score")
    assert page.locator("#score-total").inner_text() == "87.50 %", "(1 + 3/4) / 2"
    page.screenshot(path=f"{SHOTS}/builder-preview.png", full_page=True)
    page.check("input[name=a-open_on_time][value=no]")
    page.click("text=Compute the score")
    assert page.locator("#score-total").inner_text() == "0.00 %"
    assert "Critical failure: open_on_time" in page.locator("#score").inner_text()

    page.click("text=Branch welcome check v1")
    page.click("button:has-text('Publish')")
    assert "Version 1 is published" in page.locator(".flash.success").inner_text()
    assert page.locator("text=New draft from this version").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/builder-published-phone.png", full_page=True)


def test_preview_shows_and_hides_a_conditional_question_as_answers_change(page, live_server, make, session):
    from server.services.checklists.versions import import_template

    version = import_template(
        session,
        {
            "format": 1,
            "title": "Conditional",
            "sections": [
                {
                    "key": "s",
                    "title": "Counter",
                    "questions": [
                        {"key": "open", "text": "Open?", "type": "yes_no", "required": True},
                        {
                            "key": "why",
                            "text": "Why was it closed?",
                            "type": "text",
                            "visible_if": {"question": "open", "in": ["no"]},
                        },
                        {
                            "key": "rate",
                            "text": "Rate the counter",
                            "type": "scale",
                            "min": 1,
                            "max": 3,
                            "allow_na": True,
                        },
                        {
                            "key": "low",
                            "text": "What was wrong?",
                            "type": "text",
                            "visible_if": {"question": "rate", "in": [1]},
                        },
                    ],
                }
            ],
        },
    )
    admin = make.user("admin")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/builder/versions/{version.id}/preview")
    assert page.locator("#pq-why").is_hidden() and page.locator("#pq-low").is_hidden()
    page.check("input[name=a-open][value=no]")
    assert page.locator("#pq-why").is_visible()
    page.check("input[name=a-rate][value='1']")
    assert page.locator("#pq-low").is_visible()
    page.check("input[name=na-rate]")
    assert page.locator("#pq-low").is_hidden()
    page.screenshot(path=f"{SHOTS}/builder-preview-phone.png", full_page=True)
