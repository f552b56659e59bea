"""Each builder edit is a small service call on a draft's definition: it saves, returns the validator's issues,
and never touches a published version."""

from __future__ import annotations

import copy

import pytest

from server.models import TemplateVersion
from server.models.checklists import PublishedVersionChanged
from server.services.checklists import edit
from server.services.checklists.versions import TemplateError, import_template, new_draft_from, publish_version
from tests.factories import SMALL_CHECKLIST

YES_NO = {"key": "smiled", "text": "Did they smile?", "type": "yes_no"}


@pytest.fixture
def draft(session):
    """A valid draft: SMALL_CHECKLIST imported (sections front, till)."""
    return import_template(session, copy.deepcopy(SMALL_CHECKLIST))


def keys(version: TemplateVersion, section: int | None = None) -> list[str]:
    sections = version.definition["sections"]
    if section is None:
        return [s["key"] for s in sections]
    return [q["key"] for q in sections[section]["questions"]]


def reload(session, version):
    session.expire_all()
    return session.get(TemplateVersion, version.id)


def test_a_new_template_starts_as_an_empty_draft_that_says_it_needs_a_section(session):
    version = edit.create_template(session, "  Store hygiene  ")
    assert version.status.value == "draft" and version.number == 1
    assert version.template.name == "Store hygiene" and version.definition["sections"] == []
    assert edit.add_section(session, version, {"key": "entry", "title": "Entry"})
    assert any("question" in i.message for i in edit.update_settings(session, version, {"title": "Store hygiene"}))


def test_a_template_needs_a_title(session):
    with pytest.raises(TemplateError) as error:
        edit.create_template(session, "   ")
    assert error.value.field == "title"


def test_adding_an_empty_section_is_saved_and_reported_until_it_has_a_question(session, draft):
    issues = edit.add_section(session, draft, {"key": "exit", "title": "On the way out"})
    assert keys(reload(session, draft)) == ["front", "till", "exit"]
    assert [i.path for i in issues] == ["sections[2].questions"]
    assert "section 'exit'" in issues[0].message
    assert edit.add_question(session, draft, "exit", YES_NO) == []


def test_adding_a_question_appends_it_to_its_section(session, draft):
    assert edit.add_question(session, draft, "front", YES_NO) == []
    assert keys(reload(session, draft), 0) == ["greeted", "clean", "smiled"]


def test_keys_must_be_unique_across_the_whole_checklist(session, draft):
    with pytest.raises(TemplateError) as error:
        edit.add_question(session, draft, "front", dict(YES_NO, key="price_ok"))
    assert error.value.field == "key" and "already used" in error.value.message
    with pytest.raises(TemplateError):
        edit.add_section(session, draft, {"key": "till", "title": "Again"})
    with pytest.raises(TemplateError):
        edit.update_question(session, draft, "greeted", dict(YES_NO, key="clean"))
    assert keys(reload(session, draft), 0) == ["greeted", "clean"], "nothing was saved"


def test_a_key_must_be_a_slug(session, draft):
    with pytest.raises(TemplateError) as error:
        edit.add_question(session, draft, "front", dict(YES_NO, key="Not a key"))
    assert error.value.field == "key"


def test_updating_a_question_replaces_it_and_reports_what_is_now_wrong(session, draft):
    issues = edit.update_question(
        session, draft, "clean", {"key": "clean", "text": "How clean?", "type": "scale", "min": 5, "max": 5}
    )
    assert [i.message for i in issues] == [
        "section 'front' (1), question 'clean' (2): max must be greater than min (min is 5, max is 5)"
    ]
    assert reload(session, draft).definition["sections"][0]["questions"][1]["min"] == 5, "saved although invalid"


def test_renaming_a_question_carries_the_new_key_into_conditions(session, draft):
    edit.add_question(
        session, draft, "till", dict(YES_NO, key="why", visible_if={"question": "price_ok", "in": ["no"]})
    )
    assert (
        edit.update_question(session, draft, "price_ok", {"key": "price_right", "text": "Price?", "type": "yes_no"})
        == []
    )
    assert reload(session, draft).definition["sections"][1]["questions"][2]["visible_if"]["question"] == "price_right"


def test_moving_questions_up_and_down_reorders_them_and_stops_at_the_ends(session, draft):
    edit.move_question(session, draft, "clean", "up")
    assert keys(reload(session, draft), 0) == ["clean", "greeted"]
    edit.move_question(session, draft, "clean", "up")
    assert keys(reload(session, draft), 0) == ["clean", "greeted"]
    edit.move_question(session, draft, "clean", "down")
    assert keys(reload(session, draft), 0) == ["greeted", "clean"]


def test_moving_sections_reorders_them(session, draft):
    edit.move_section(session, draft, "till", "up")
    assert keys(reload(session, draft)) == ["till", "front"]
    with pytest.raises(TemplateError):
        edit.move_section(session, draft, "till", "sideways")


def test_moving_a_question_before_the_one_its_condition_names_is_reported(session, draft):
    edit.add_question(
        session, draft, "till", dict(YES_NO, key="why", visible_if={"question": "price_ok", "in": ["no"]})
    )
    edit.move_question(session, draft, "why", "up")
    issues = edit.move_question(session, draft, "why", "up")
    assert keys(reload(session, draft), 1) == ["why", "price_ok", "notes"]
    assert any(i.question == "why" and "later" in i.message for i in issues)


def test_deleting_a_question_and_a_section(session, draft):
    assert edit.delete_question(session, draft, "notes") == []
    assert keys(reload(session, draft), 1) == ["price_ok"]
    assert edit.delete_section(session, draft, "till") == []
    assert keys(reload(session, draft)) == ["front"]
    with pytest.raises(TemplateError):
        edit.delete_question(session, draft, "notes")


def test_updating_a_section_changes_its_title_weight_and_key(session, draft):
    issues = edit.update_section(session, draft, "front", {"key": "entry", "title": "Entry", "weight": 2})
    assert any("weight" in i.message for i in issues), "some sections weighted, others not"
    edit.update_section(session, draft, "till", {"key": "till", "title": "Till", "weight": 1})
    section = reload(session, draft).definition["sections"][0]
    assert section == {**section, "key": "entry", "title": "Entry", "weight": 2}


def test_the_settings_change_the_title_policy_and_adhoc_flag(session, draft):
    assert (
        edit.update_settings(
            session, draft, {"title": "Renamed", "description": "d", "critical_policy": "zero", "allow_adhoc": True}
        )
        == []
    )
    definition = reload(session, draft).definition
    assert (definition["title"], definition["critical_policy"], definition["allow_adhoc"]) == ("Renamed", "zero", True)
    assert draft.template.name == "Renamed", "an unpublished template is named by its draft"


@pytest.mark.parametrize(
    "operation",
    [
        lambda s, v: edit.add_question(s, v, "front", YES_NO),
        lambda s, v: edit.update_question(s, v, "greeted", YES_NO),
        lambda s, v: edit.move_question(s, v, "clean", "up"),
        lambda s, v: edit.delete_question(s, v, "notes"),
        lambda s, v: edit.add_section(s, v, {"key": "more", "title": "More"}),
        lambda s, v: edit.update_section(s, v, "front", {"title": "x"}),
        lambda s, v: edit.move_section(s, v, "till", "up"),
        lambda s, v: edit.delete_section(s, v, "till"),
        lambda s, v: edit.update_settings(s, v, {"title": "x"}),
    ],
)
def test_every_edit_refuses_a_published_version(session, draft, operation):
    publish_version(session, draft)
    before = copy.deepcopy(draft.definition)
    with pytest.raises(TemplateError) as error:
        operation(session, draft)
    assert error.value.field == "version" and "new draft" in error.value.message
    assert reload(session, draft).definition == before


def test_the_model_still_guards_a_published_version_against_direct_changes(session, draft):
    publish_version(session, draft)
    draft.definition = {**draft.definition, "title": "sneaky"}
    with pytest.raises(PublishedVersionChanged):
        session.flush()
    session.rollback()


def test_a_new_draft_from_a_published_version_is_editable_and_leaves_the_old_one_alone(session, draft):
    publish_version(session, draft)
    new = new_draft_from(session, draft)
    edit.delete_question(session, new, "notes")
    assert "notes" in keys(reload(session, draft), 1) and "notes" not in keys(reload(session, new), 1)


def test_a_key_keeps_its_type_across_versions_so_changing_it_is_reported(session, draft):
    publish_version(session, draft)
    new = new_draft_from(session, draft)
    issues = edit.update_question(session, new, "notes", {"key": "notes", "text": "Photo of the till", "type": "photo"})
    assert [i.message for i in issues] == [
        "section 'till' (2), question 'notes' (2): the key was a text question in version 1; a key keeps its type "
        "across versions, use a new key"
    ]
