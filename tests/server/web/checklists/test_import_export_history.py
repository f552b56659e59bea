"""JSON import (every validator error listed), export that imports back identically, and what changed between
two versions."""

from __future__ import annotations

import copy
import io
import json

from server.models import Template, TemplateVersion, VersionStatus
from server.services.checklists.diff import diff_versions
from server.services.checklists.versions import publish_version
from tests.factories import SMALL_CHECKLIST
from tests.server.web.checklists.helpers import admin_client, draft_of, post


def upload(client, document, template_id: str = ""):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return post(
        client,
        "/builder/import",
        "/builder/import",
        {"file": (io.BytesIO(raw), "checklist.json"), "template_id": template_id},
        content_type="multipart/form-data",
    )


def test_importing_a_file_makes_a_new_template_with_a_draft(client, make, session):
    admin_client(client, make)
    response = upload(client, SMALL_CHECKLIST)
    assert response.status_code == 302
    version = session.query(TemplateVersion).one()
    assert version.status is VersionStatus.DRAFT and version.template.name == "Small test checklist"


def test_importing_into_a_template_adds_its_next_draft_version(client, make, session):
    admin_client(client, make)
    template = make.template()
    response = upload(client, SMALL_CHECKLIST, str(template.id))
    assert response.status_code == 302
    assert [v.number for v in session.get(Template, template.id).versions] == [1, 2]


def test_import_errors_are_all_listed_with_their_section_and_question(client, make, session):
    admin_client(client, make)
    bad = copy.deepcopy(SMALL_CHECKLIST)
    bad["sections"][0]["questions"][1]["min"] = 9
    bad["sections"][1]["questions"][0]["weight"] = -1
    response = upload(client, bad)
    assert response.status_code == 422 and "Nothing was imported" in response.text
    assert "section &#39;front&#39; (1), question &#39;clean&#39; (2)" in response.text
    assert "section &#39;till&#39; (2), question &#39;price_ok&#39; (1)" in response.text
    assert "the file has 2 problems" in response.text
    assert session.query(Template).count() == 0


def test_a_file_that_is_not_json_is_named_as_the_wrong_field(client, make):
    admin_client(client, make)
    response = upload(client, b"{not json")
    assert response.status_code == 422 and "this file is not valid JSON" in response.text


def test_importing_while_a_draft_exists_names_the_template_field(client, make, session):
    admin_client(client, make)
    version = draft_of(session)
    response = upload(client, SMALL_CHECKLIST, str(version.template_id))
    assert response.status_code == 422 and "already has draft version 1" in response.text


def test_export_downloads_json_that_imports_back_to_the_identical_definition(client, make, session):
    admin_client(client, make)
    template = make.template()
    version = template.versions[0]
    response = client.get(f"/builder/versions/{version.id}/export.json")
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="small-test-checklist-v1.json"'
    upload(client, response.data)
    again = session.query(TemplateVersion).filter(TemplateVersion.template_id != template.id).one()
    assert again.definition == json.loads(response.data)
    assert client.get(f"/builder/versions/{again.id}/export.json").data == response.data


def test_the_diff_lists_added_removed_and_changed_questions_by_key():
    new = copy.deepcopy(SMALL_CHECKLIST)
    front = new["sections"][0]["questions"]
    front[0]["text"] = "Greeted warmly?"
    front[1]["weight"] = 3
    new["sections"][1]["questions"].pop()  # notes
    new["sections"][1]["questions"].append({"key": "receipt", "text": "Receipt?", "type": "yes_no"})
    new["sections"][1]["questions"][0]["critical"] = False
    changes = {(c.kind, c.key): c.fields for c in diff_versions(SMALL_CHECKLIST, new)}
    assert changes == {
        ("added", "receipt"): (),
        ("removed", "notes"): (),
        ("changed", "greeted"): (("text", "Greeted on arrival?", "Greeted warmly?"),),
        ("changed", "clean"): (("weight", 2, 3),),
        ("changed", "price_ok"): (("critical", True, False),),
    }


def test_the_diff_sees_type_and_option_changes_and_nothing_for_identical_versions():
    new = copy.deepcopy(SMALL_CHECKLIST)
    new["sections"][0]["questions"][0]["options"] = [
        {"value": "yes", "label": "Yes", "score": 0},
        {"value": "no", "label": "No", "score": 1},
    ]
    new["sections"][1]["questions"][1]["type"] = "photo"
    fields = {c.key: [f[0] for f in c.fields] for c in diff_versions(SMALL_CHECKLIST, new)}
    assert fields == {"greeted": ["options"], "notes": ["type"]}
    assert diff_versions(SMALL_CHECKLIST, copy.deepcopy(SMALL_CHECKLIST)) == []


def test_the_history_page_shows_the_versions_and_what_changed(client, make, session):
    admin_client(client, make)
    first = draft_of(session)
    publish_version(session, first)
    session.commit()
    url = f"/builder/versions/{first.id}"
    post(client, url, f"{url}/new-draft")
    draft = session.query(TemplateVersion).filter_by(number=2).one()
    post(client, f"/builder/versions/{draft.id}", f"/builder/versions/{draft.id}/questions/notes/delete")
    page = client.get(f"/builder/templates/{first.template_id}/history").text
    assert "v1 → v2" in page and ">removed<" in page and "<code>notes</code>" in page
    assert ">retired<" not in page and ">published<" in page and ">draft<" in page
    same = client.get(f"/builder/templates/{first.template_id}/history?old=1&new=1").text
    assert "No question was added, removed or changed" in same
    assert client.get(f"/builder/templates/{first.template_id}/history?old=7").status_code == 404
