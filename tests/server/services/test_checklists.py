"""Checklist templates: import, publish, draft and export keep versions immutable and round-trip exactly."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from server.demo import demo_checklist
from server.models import Change, Template, VersionStatus
from server.services.checklists.versions import (
    ChecklistInvalid,
    TemplateError,
    export_version,
    import_template,
    new_draft_from,
    publish_version,
)
from shared.schemas import dump_checklist
from shared.validation import load_checklist
from tests.factories import SMALL_CHECKLIST


def test_importing_a_checklist_makes_a_new_template_with_a_draft_version_one(session, make):
    admin = make.user("admin")
    version = import_template(session, copy.deepcopy(SMALL_CHECKLIST), actor=admin)
    assert (version.number, version.status, version.created_by_id) == (1, VersionStatus.DRAFT, admin.id)
    assert version.template.name == "Small test checklist"
    assert version.definition["sections"][0]["questions"][0]["key"] == "greeted"
    assert session.scalars(select(Change)).all() == []  # drafts are not sent to phones


def test_importing_with_publish_publishes_and_logs_a_change(session):
    version = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    assert version.status is VersionStatus.PUBLISHED and version.published_at is not None
    change = session.scalar(select(Change))
    assert (change.entity, change.entity_id) == ("template_version", str(version.id))


def test_an_import_into_a_template_adds_the_next_version_and_keeps_the_keys(session):
    first = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    changed = copy.deepcopy(SMALL_CHECKLIST)
    changed["title"] = "Small test checklist, second edition"
    changed["sections"][0]["questions"][0]["text"] = "Were you greeted warmly?"
    second = import_template(session, changed, template=first.template)
    assert (second.number, second.template_id, second.status) == (2, first.template_id, VersionStatus.DRAFT)
    assert first.template.name == "Small test checklist"  # renamed only when the new version is published
    publish_version(session, second)
    assert first.status is VersionStatus.RETIRED and second.status is VersionStatus.PUBLISHED
    assert first.template.name == "Small test checklist, second edition"
    assert first.template.latest_published() is second
    assert first.definition == dump_checklist(load_checklist(SMALL_CHECKLIST))  # the old version is untouched


def test_a_key_cannot_change_type_between_versions(session):
    first = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    changed = copy.deepcopy(SMALL_CHECKLIST)
    changed["sections"][0]["questions"][0] = {
        "key": "greeted",
        "text": "How warm was the greeting?",
        "type": "scale",
        "min": 1,
        "max": 5,
    }
    with pytest.raises(ChecklistInvalid) as error:
        import_template(session, changed, template=first.template)
    [issue] = error.value.issues
    assert issue.path == "sections[0].questions[0].type"
    assert "section 'front' (1), question 'greeted' (1)" in issue.message and "yes_no" in issue.message
    assert len(first.template.versions) == 1


def test_a_draft_edited_to_change_a_key_type_cannot_be_published_by_any_path(session):
    first = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    draft = new_draft_from(session, first)
    definition = copy.deepcopy(draft.definition)
    definition["sections"][0]["questions"][0] = {
        "key": "greeted",
        "text": "How warm was the greeting?",
        "type": "scale",
        "min": 1,
        "max": 5,
    }
    draft.definition = definition  # as the builder or a direct edit would leave it
    session.commit()
    with pytest.raises(ChecklistInvalid) as error:
        publish_version(session, draft)
    session.rollback()
    assert [issue.path for issue in error.value.issues] == ["sections[0].questions[0].type"]
    assert draft.status is VersionStatus.DRAFT


def test_a_template_has_at_most_one_draft(session):
    first = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    draft = new_draft_from(session, first)
    assert (draft.number, draft.status, draft.definition) == (2, VersionStatus.DRAFT, first.definition)
    with pytest.raises(TemplateError) as again:
        new_draft_from(session, first)
    with pytest.raises(TemplateError) as imported:
        import_template(session, copy.deepcopy(SMALL_CHECKLIST), template=first.template)
    assert again.value.field == imported.value.field == "template"
    assert "draft version 2" in str(again.value)


def test_only_drafts_can_be_published(session):
    version = import_template(session, copy.deepcopy(SMALL_CHECKLIST), publish=True)
    with pytest.raises(TemplateError) as error:
        publish_version(session, version)
    assert error.value.field == "version" and "published" in str(error.value)


def test_a_draft_edited_into_an_invalid_state_cannot_be_published(session):
    draft = import_template(session, copy.deepcopy(SMALL_CHECKLIST))
    broken = copy.deepcopy(draft.definition)
    broken["sections"][0]["questions"][1]["max"] = 0
    draft.definition = broken
    session.commit()
    with pytest.raises(ChecklistInvalid) as error:
        publish_version(session, draft)
    session.rollback()
    assert any("question 'clean'" in issue.message for issue in error.value.issues)
    assert draft.status is VersionStatus.DRAFT


def test_an_invalid_checklist_raises_every_issue_with_section_and_question(session):
    bad = copy.deepcopy(SMALL_CHECKLIST)
    bad["sections"][0]["questions"][1]["weight"] = -2
    bad["sections"][1]["questions"][0]["type"] = "text"  # critical but cannot score
    bad["sections"][1]["key"] = "front"
    with pytest.raises(ChecklistInvalid) as error:
        import_template(session, bad)
    messages = [f"{issue.path}: {issue.message}" for issue in error.value.issues]
    assert len(messages) >= 3
    assert any(m.startswith("sections[0].questions[1].weight") and "question 'clean'" in m for m in messages)
    assert any("question 'price_ok'" in m for m in messages)
    assert any(m.startswith("sections[1].key") for m in messages)
    assert session.scalar(select(Template)) is None


@pytest.mark.parametrize("document", [SMALL_CHECKLIST, demo_checklist()], ids=["small", "demo"])
def test_export_then_import_gives_back_exactly_the_same_checklist(session, document):
    version = import_template(session, copy.deepcopy(document), publish=True)
    exported = export_version(version)
    again = import_template(session, copy.deepcopy(exported))
    assert again.definition == version.definition
    assert export_version(again) == exported
    assert exported["sections"][0]["questions"][0]["key"] == document["sections"][0]["questions"][0]["key"]
