"""Live validation (the JSON endpoint builder.js calls while typing) and the preview with its score."""

from __future__ import annotations

from tests.server.auth_helpers import csrf_token
from tests.server.web.checklists.helpers import admin_client, draft_of, post

QUESTION = {
    "scope": "question",
    "original": "clean",
    "section": "",
    "key": "clean",
    "text": "How clean?",
    "type": "scale",
    "weight": "2",
    "min": "5",
    "max": "3",
}


def validate(client, version, data):
    return post(client, f"/builder/versions/{version.id}", f"/builder/versions/{version.id}/validate", data)


def test_live_validation_reports_the_problems_of_the_question_being_typed_without_saving(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    body = validate(client, version, QUESTION).get_json()
    assert [i["message"] for i in body["issues"]] == [
        "section 'front' (1), question 'clean' (2): max must be greater than min (min is 5, max is 3)"
    ]
    assert body["errors"] == {} and body["total"] == 1
    session.expire_all()
    assert version.definition["sections"][0]["questions"][1]["max"] == 5, "nothing saved"
    fixed = validate(client, version, {**QUESTION, "max": "7"}).get_json()
    assert fixed["issues"] == [] and fixed["total"] == 0


def test_live_validation_names_fields_that_cannot_be_read_and_keys_already_taken(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    body = validate(client, version, {**QUESTION, "key": "greeted", "weight": "heavy"}).get_json()
    assert body["errors"]["weight"] == ["enter a number, e.g. 1 or 0.5"]
    assert "already used" in body["errors"]["key"][0]


def test_live_validation_of_a_new_question_places_it_at_the_end_of_its_section(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    body = validate(
        client,
        version,
        {
            "scope": "question",
            "original": "",
            "section": "till",
            "key": "why",
            "text": "Why?",
            "type": "text",
            "weight": "1",
            "critical": "1",
        },
    ).get_json()
    assert len(body["issues"]) == 1 and "section 'till' (2), question 'why' (3)" in body["issues"][0]["message"]
    assert "critical" in body["issues"][0]["message"]


def test_live_validation_takes_a_whole_definition_as_json_with_the_csrf_header(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    token = csrf_token(client.get(f"/builder/versions/{version.id}").text)
    response = client.post(
        f"/builder/versions/{version.id}/validate", json={"definition": {"format": 1}}, headers={"X-CSRFToken": token}
    )
    paths = [i["path"] for i in response.get_json()["issues"]]
    assert "title" in paths and "sections" in paths
    assert client.post(f"/builder/versions/{version.id}/validate", json={"definition": {}}).status_code == 400


def test_the_preview_shows_sections_questions_widgets_required_marks_and_conditions(client, make, session):
    admin_client(client, make)
    definition = {
        "format": 1,
        "title": "Preview me",
        "sections": [
            {
                "key": "s",
                "title": "Shop floor",
                "questions": [
                    {"key": "open", "text": "Open?", "type": "yes_no", "required": True, "critical": True},
                    {
                        "key": "why",
                        "text": "Why not?",
                        "type": "text",
                        "visible_if": {"question": "open", "in": ["no"]},
                    },
                    {
                        "key": "rate",
                        "text": "Rate it",
                        "type": "scale",
                        "min": 1,
                        "max": 5,
                        "allow_na": True,
                        "labels": {"1": "Poor"},
                    },
                ],
            }
        ],
    }
    version = draft_of(session, definition)
    page = client.get(f"/builder/versions/{version.id}/preview").text
    assert "Shop floor" in page and "Open?" in page and 'title="required">*' in page
    assert 'type="radio" name="a-open" value="yes"' in page and 'name="a-rate" value="5"' in page and "Poor" in page
    assert 'name="na-rate"' in page and 'name="na-open"' not in page
    assert 'data-visible-if="{&#34;question&#34;: &#34;open&#34;, &#34;in&#34;: [&#34;no&#34;]}"' in page


def test_the_score_preview_is_computed_by_shared_scoring(client, make, session):
    admin_client(client, make)
    version = draft_of(session)  # greeted yes_no, clean scale 1..5 weight 2, price_ok critical zero, notes text
    url = f"/builder/versions/{version.id}/preview"
    page = post(client, url, url, {"a-greeted": "yes", "a-clean": "3", "a-price_ok": "yes"}).text
    total = page[page.index('id="score-total"') :]
    assert total.startswith('id="score-total">75.00 %<'), "(1 + 0.5 * 2 + 1) / 4"
    assert "3 / 4" in page and "66.67 %" in page and "100.00 %" in page, "front (1 + 0.5 * 2) / 3, till 1 / 1"
    zeroed = post(client, url, url, {"a-greeted": "yes", "a-clean": "5", "a-price_ok": "no"}).text
    assert "0.00 %" in zeroed and "Critical failure: price_ok" in zeroed and "zeroed" in zeroed
    assert 'value="5" checked' in zeroed, "the preview keeps the answers"


def test_the_score_preview_lists_what_a_real_visit_would_still_need(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    url = f"/builder/versions/{version.id}/preview"
    page = post(client, url, url, {"a-clean": "2"}).text
    assert "question &#39;greeted&#39; (section &#39;front&#39;): is required but has no answer" in page


def test_an_invalid_draft_cannot_be_previewed_and_says_why(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    post(
        client,
        f"/builder/versions/{version.id}",
        f"/builder/versions/{version.id}/sections",
        {"key": "exit", "title": "Exit"},
    )
    response = client.get(f"/builder/versions/{version.id}/preview")
    assert response.status_code == 422 and "cannot be previewed" in response.text


def test_live_validation_of_the_settings_reports_checklist_level_problems(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    body = validate(client, version, {"scope": "settings", "title": "", "critical_policy": "flag"}).get_json()
    assert body["total"] == 1 and body["issues"][0]["path"] == "title"
    assert validate(client, version, {"scope": "nothing"}).status_code == 400


def test_the_photo_settings_are_saved_from_the_settings_form_and_cleared_when_left_empty(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    page = f"/builder/versions/{version.id}"
    form = {"title": "Store audit", "critical_policy": "flag", "max_edge_px": "2400", "jpeg_quality": "80"}
    response = post(client, page, f"/builder/versions/{version.id}/settings", form, follow_redirects=True)
    assert response.status_code == 200
    session.refresh(version)
    assert version.definition["photo_settings"] == {"max_edge_px": 2400, "jpeg_quality": 80}
    assert 'name="max_edge_px" type="number" value="2400"' in client.get(page).text
    post(client, page, f"/builder/versions/{version.id}/settings", {**form, "max_edge_px": "", "jpeg_quality": ""})
    session.refresh(version)
    assert "photo_settings" not in version.definition


def test_photo_settings_out_of_range_are_named_in_the_live_validation(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    form = {"scope": "settings", "title": "Audit", "critical_policy": "flag", "max_edge_px": "100", "jpeg_quality": "x"}
    body = validate(client, version, form).get_json()
    assert [(i["path"], i["message"]) for i in body["issues"]] == [
        ("photo_settings.max_edge_px", "photo_settings.max_edge_px must be at least 320"),
        ("photo_settings.jpeg_quality", "photo_settings.jpeg_quality must be a whole number"),
    ]
