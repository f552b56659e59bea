"""The builder's pages: list, create, edit with the validator's messages in place, question forms that keep
what was typed, publish blocked while invalid, new draft, and admins only."""

from __future__ import annotations

import pytest

from server.models import TemplateVersion, VersionStatus
from tests.server.auth_helpers import web_login
from tests.server.web.checklists.helpers import admin_client, draft_of, post


def edit_url(version) -> str:
    return f"/builder/versions/{version.id}"


def test_the_list_shows_templates_with_each_version_its_status_and_question_count(client, make, session):
    admin_client(client, make)
    make.template()
    draft_of(session)
    page = client.get("/builder/").text
    assert "Small test checklist" in page and "v1" in page
    assert ">published<" in page and ">draft<" in page
    assert '<td class="num">4</td>' in page
    assert 'href="/builder/"' in page and ">Checklists<" in page, "the top bar links here"


def test_creating_a_checklist_makes_a_draft_and_opens_its_edit_page(client, make, session):
    admin_client(client, make)
    response = post(client, "/builder/", "/builder/templates", {"title": "Hygiene walk"})
    assert response.status_code == 302
    version = session.query(TemplateVersion).one()
    assert response.headers["Location"].endswith(edit_url(version))
    page = client.get(edit_url(version)).text
    assert "Hygiene walk" in page and ">draft<" in page
    assert "sections must not be empty" in page


def test_creating_without_a_title_names_the_field(client, make):
    admin_client(client, make)
    response = post(client, "/builder/", "/builder/templates", {"title": "  "})
    assert response.status_code == 422
    assert 'id="title-error"' in response.text and "needs a title" in response.text


def test_the_validators_messages_are_shown_next_to_their_section_and_question(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    post(client, edit_url(version), f"{edit_url(version)}/sections", {"key": "exit", "title": "Exit"})
    post(
        client,
        f"{edit_url(version)}/questions/clean",
        f"{edit_url(version)}/questions/clean",
        {"key": "clean", "text": "How clean?", "type": "scale", "min": "5", "max": "3", "weight": "2"},
    )
    page = client.get(edit_url(version)).text
    question = page[page.index('id="q-clean"') : page.index('id="q-price_ok"')]
    assert "b-issues-inline" in question and "max must be greater than min (min is 5, max is 3)" in question
    section = page[page.index('id="s-exit"') :]
    assert "b-issues-inline" in section and "section &#39;exit&#39;" in section
    assert "problems to fix before publishing" in page


def test_a_question_form_keeps_what_was_typed_and_names_the_wrong_field(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    url = f"{edit_url(version)}/sections/front/questions/new"
    response = post(
        client,
        url,
        url,
        {
            "key": "greeted",
            "text": "Typed text stays",
            "type": "number",
            "weight": "lots",
            "pass_op": "<=",
            "pass_value": "2",
        },
    )
    assert response.status_code == 422
    assert 'id="weight-error"' in response.text and "enter a number" in response.text
    assert "Typed text stays" in response.text and 'value="lots"' in response.text
    response = post(client, url, url, {"key": "greeted", "text": "Typed text stays", "type": "yes_no", "weight": "1"})
    assert 'id="key-error"' in response.text and "already used" in response.text


def test_adding_a_question_with_every_kind_of_field_saves_it_typed(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    url = f"{edit_url(version)}/sections/till/questions/new"
    response = post(
        client,
        url,
        url,
        {
            "key": "queue",
            "text": "How many in the queue?",
            "type": "number",
            "weight": "0.5",
            "required": "1",
            "allow_na": "1",
            "critical": "1",
            "critical_policy": "zero",
            "help": "Count them",
            "min": "0",
            "max": "50",
            "pass_op": "<=",
            "pass_value": "3",
            "visible_if_question": "price_ok",
            "visible_if_values": "no",
            "options": "ignored | for | number",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    question = session.get(TemplateVersion, version.id).definition["sections"][1]["questions"][-1]
    assert question == {
        "key": "queue",
        "text": "How many in the queue?",
        "type": "number",
        "required": True,
        "allow_na": True,
        "weight": 0.5,
        "critical": True,
        "critical_policy": "zero",
        "help": "Count them",
        "min": 0,
        "max": 50,
        "pass_rule": {"op": "<=", "value": 3},
        "visible_if": {"question": "price_ok", "in": ["no"]},
    }


def test_choice_options_and_scale_labels_round_trip_through_the_question_form(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    url = f"{edit_url(version)}/sections/front/questions/new"
    post(
        client,
        url,
        url,
        {
            "key": "mood",
            "text": "Mood?",
            "type": "choice",
            "weight": "1",
            "options": "happy | Happy | 1\nok | OK | 0.5\nsad | Sad | 0\nmeh",
        },
    )
    post(
        client,
        url,
        url,
        {
            "key": "rate",
            "text": "Rate",
            "type": "scale",
            "weight": "1",
            "min": "1",
            "max": "3",
            "labels": "1 = Poor\n3 = Great",
        },
    )
    session.expire_all()
    questions = session.get(TemplateVersion, version.id).definition["sections"][0]["questions"]
    assert questions[2]["options"] == [
        {"value": "happy", "label": "Happy", "score": 1},
        {"value": "ok", "label": "OK", "score": 0.5},
        {"value": "sad", "label": "Sad", "score": 0},
        {"value": "meh", "label": "meh", "score": None},
    ]
    assert questions[3]["labels"] == {"1": "Poor", "3": "Great"}
    page = client.get(f"{edit_url(version)}/questions/mood").text
    assert "happy | Happy | 1\nok | OK | 0.5" in page
    assert "1 = Poor\n3 = Great" in client.get(f"{edit_url(version)}/questions/rate").text


def test_move_buttons_reorder_without_javascript(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    response = post(client, edit_url(version), f"{edit_url(version)}/questions/clean/move", {"direction": "up"})
    assert response.status_code == 302
    page = client.get(edit_url(version)).text
    assert page.index('id="q-clean"') < page.index('id="q-greeted"')
    post(client, edit_url(version), f"{edit_url(version)}/sections/till/move", {"direction": "up"})
    page = client.get(edit_url(version)).text
    assert page.index('id="s-till"') < page.index('id="s-front"')


def test_delete_buttons_remove_questions_and_sections(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    post(client, edit_url(version), f"{edit_url(version)}/questions/notes/delete")
    post(client, edit_url(version), f"{edit_url(version)}/sections/front/delete")
    page = client.get(edit_url(version)).text
    assert 'id="q-notes"' not in page and 'id="s-front"' not in page and 'id="q-price_ok"' in page


def test_publishing_is_blocked_with_the_problems_listed_while_the_draft_is_invalid(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    post(client, edit_url(version), f"{edit_url(version)}/sections", {"key": "exit", "title": "Exit"})
    response = post(client, edit_url(version), f"{edit_url(version)}/publish")
    assert response.status_code == 422
    assert "Not published" in response.text and "section &#39;exit&#39;" in response.text
    session.expire_all()
    assert session.get(TemplateVersion, version.id).status is VersionStatus.DRAFT


def test_publishing_a_valid_draft_makes_it_read_only_and_offers_a_new_draft(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    response = post(client, edit_url(version), f"{edit_url(version)}/publish", follow_redirects=True)
    assert "is published" in response.text and ">published<" in response.text
    assert "New draft from this version" in response.text and "+ Add question" not in response.text
    refused = post(client, edit_url(version), f"{edit_url(version)}/questions/notes/delete", follow_redirects=True)
    assert "published versions never change" in refused.text
    response = post(client, edit_url(version), f"{edit_url(version)}/new-draft")
    draft = session.query(TemplateVersion).filter_by(number=2).one()
    assert response.headers["Location"].endswith(edit_url(draft)) and draft.status is VersionStatus.DRAFT


def test_every_form_needs_its_csrf_token(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    for url in [
        "/builder/templates",
        f"{edit_url(version)}/publish",
        f"{edit_url(version)}/questions/notes/delete",
        f"{edit_url(version)}/sections",
        f"{edit_url(version)}/validate",
    ]:
        assert client.post(url, data={"title": "x", "key": "x"}).status_code == 400, url


@pytest.mark.parametrize("role", ["manager", "shopper"])
def test_managers_and_shoppers_are_refused(client, make, session, role):
    version = draft_of(session)
    web_login(client, make.user(role).email)
    for url in [
        "/builder/",
        edit_url(version),
        f"{edit_url(version)}/preview",
        "/builder/import",
        f"/builder/templates/{version.template_id}/history",
        f"{edit_url(version)}/export.json",
    ]:
        assert client.get(url).status_code == 403, url
    assert ">Checklists<" not in client.get("/").text


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    version = draft_of(session)
    for url in ["/builder/", edit_url(version)]:
        response = client.get(url)
        assert response.status_code in (302, 401) and (
            response.status_code == 401 or "/login" in response.headers["Location"]
        )


def test_an_unknown_version_is_not_found(client, make):
    admin_client(client, make)
    assert client.get("/builder/versions/99999").status_code == 404
    assert client.get("/builder/versions/99999999999").status_code == 404


def test_publishing_is_blocked_when_a_key_changed_its_type_since_an_earlier_version(client, make, session):
    from server.services.checklists.versions import new_draft_from, publish_version

    admin_client(client, make)
    first = draft_of(session)
    publish_version(session, first)
    draft = new_draft_from(session, first)
    session.commit()
    url = edit_url(draft)
    post(
        client,
        f"{url}/questions/notes",
        f"{url}/questions/notes",
        {"key": "notes", "text": "Photo of the till", "type": "photo", "weight": "1"},
    )
    response = post(client, url, f"{url}/publish")
    assert response.status_code == 422 and "a key keeps its type across versions" in response.text
    session.expire_all()
    assert session.get(TemplateVersion, draft.id).status is VersionStatus.DRAFT


def test_adding_a_question_to_a_section_that_is_gone_says_so(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    url = f"{edit_url(version)}/sections/gone/questions/new"
    response = post(client, url, url, {"key": "q1", "text": "Q", "type": "yes_no", "weight": "1"})
    assert response.status_code == 422 and "there is no section &#39;gone&#39;" in response.text


@pytest.mark.parametrize("weight", ["nan", "inf", "1e400", "1e16"])
def test_numbers_that_json_cannot_hold_are_refused_on_their_field(client, make, session, weight):
    admin_client(client, make)
    version = draft_of(session)
    url = f"{edit_url(version)}/questions/greeted"
    response = post(client, url, url, {"key": "greeted", "text": "Greeted?", "type": "yes_no", "weight": weight})
    assert response.status_code == 422 and 'id="weight-error"' in response.text
