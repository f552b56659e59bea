"""`fieldaudit checklists ...`: every error printed with its path, clear exits for missing or broken files."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from server.demo import CHECKLIST_PATH
from server.models import Template, TemplateVersion, VersionStatus
from tests.factories import SMALL_CHECKLIST


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def broken_checklist() -> dict:
    bad = copy.deepcopy(SMALL_CHECKLIST)
    bad["sections"][0]["questions"][1]["weight"] = -1
    bad["sections"][0]["questions"][1]["max"] = 0
    bad["sections"][1]["questions"][1]["visible_if"] = {"question": "nowhere", "in": ["yes"]}
    return bad


def test_validate_reports_a_valid_file_with_its_size(runner):
    result = runner.invoke(args=["checklists", "validate", str(CHECKLIST_PATH)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "valid: 7 sections, 24 questions"


def test_validate_prints_every_error_with_path_section_and_question(runner, tmp_path):
    result = runner.invoke(args=["checklists", "validate", write(tmp_path, "bad.json", broken_checklist())])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].endswith("bad.json: 3 errors")
    assert any(
        line.strip().startswith("sections[0].questions[1].weight: section 'front' (1), question 'clean' (2)")
        for line in lines
    )
    assert any(line.strip().startswith("sections[0].questions[1].max:") for line in lines)
    assert any("sections[1].questions[1].visible_if.question:" in line and "'nowhere'" in line for line in lines)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"title": "unfinished"', "not valid JSON (line 1"),
        ("", "not valid JSON"),
    ],
)
def test_validate_explains_a_file_that_is_not_json(runner, tmp_path, content, message):
    result = runner.invoke(args=["checklists", "validate", write(tmp_path, "x.json", content)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_validate_explains_a_missing_file_or_a_folder(runner, tmp_path):
    missing = runner.invoke(args=["checklists", "validate", str(tmp_path / "nope.json")])
    folder = runner.invoke(args=["checklists", "validate", str(tmp_path)])
    assert (missing.exit_code, folder.exit_code) == (2, 2)
    assert "nope.json: no such file" in missing.output
    assert "is a directory" in folder.output


def test_validate_reports_a_json_value_that_is_not_an_object(runner, tmp_path):
    result = runner.invoke(args=["checklists", "validate", write(tmp_path, "list.json", [1, 2])])
    assert result.exit_code == 1
    assert "a checklist must be a JSON object" in result.output


def test_import_then_list_then_export_round_trips(runner, session, tmp_path):
    imported = runner.invoke(args=["checklists", "import", str(CHECKLIST_PATH), "--publish"])
    assert imported.exit_code == 0, imported.output
    version = session.scalar(select(TemplateVersion))
    assert version.status is VersionStatus.PUBLISHED
    assert f"version id {version.id}, published" in imported.output

    listed = runner.invoke(args=["checklists", "list"])
    assert "Customer service mystery shop" in listed.output
    assert f"version 1 (id {version.id}): published, 24 questions" in listed.output

    out = tmp_path / "out.json"
    exported = runner.invoke(args=["checklists", "export", str(version.id), "-o", str(out)])
    assert exported.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == version.definition
    to_stdout = runner.invoke(args=["checklists", "export", str(version.id)])
    assert json.loads(to_stdout.stdout) == version.definition

    again = runner.invoke(args=["checklists", "import", str(out), "--into", str(version.template_id)])
    assert again.exit_code == 0, again.output
    second = session.scalars(select(TemplateVersion).order_by(TemplateVersion.number)).all()[1]
    assert (second.number, second.status, second.definition) == (2, VersionStatus.DRAFT, version.definition)
    published = runner.invoke(args=["checklists", "publish", str(second.id)])
    assert published.exit_code == 0 and "Published version 2" in published.output


def test_import_of_an_invalid_file_prints_all_errors_and_stores_nothing(runner, session, tmp_path):
    result = runner.invoke(args=["checklists", "import", write(tmp_path, "bad.json", broken_checklist())])
    assert result.exit_code == 1
    assert "3 errors" in result.output and "question 'clean'" in result.output
    assert session.scalar(select(Template)) is None


def test_import_into_an_unknown_template_or_a_template_with_a_draft_fails_clearly(runner, make, tmp_path):
    path = write(tmp_path, "small.json", SMALL_CHECKLIST)
    unknown = runner.invoke(args=["checklists", "import", path, "--into", "999"])
    assert unknown.exit_code == 1 and "into: there is no template with id 999" in unknown.output
    draft = make.template(published=False)
    blocked = runner.invoke(args=["checklists", "import", path, "--into", str(draft.id)])
    assert blocked.exit_code == 1 and "already has draft version 1" in blocked.output


def test_export_and_publish_of_unknown_or_published_versions_fail_clearly(runner, make, tmp_path):
    assert "no template version with id 404" in runner.invoke(args=["checklists", "export", "404"]).output
    version = make.template().versions[0]
    again = runner.invoke(args=["checklists", "publish", str(version.id)])
    assert again.exit_code == 1 and "only drafts can be published" in again.output
    unwritable = runner.invoke(args=["checklists", "export", str(version.id), "-o", str(tmp_path / "no" / "x.json")])
    assert unwritable.exit_code != 0 and "Traceback" not in unwritable.output
    not_a_number = runner.invoke(args=["checklists", "export", "seven"])
    assert not_a_number.exit_code == 2


def test_list_says_when_there_is_nothing_yet(runner):
    result = runner.invoke(args=["checklists", "list"])
    assert result.exit_code == 0 and "No templates yet" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"title": ' + "9" * 5000 + "}", "has a number with more than 4,300 digits"),
        ('{"title": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than 32 levels deep"),
    ],
)
def test_validate_explains_huge_integers_and_deep_nesting_in_one_line(runner, tmp_path, content, message):
    result = runner.invoke(args=["checklists", "validate", write(tmp_path, "x.json", content)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_old_name_template_runs_the_same_commands_for_existing_scripts(runner):
    old = runner.invoke(args=["template", "validate", str(CHECKLIST_PATH)])
    new = runner.invoke(args=["checklists", "validate", str(CHECKLIST_PATH)])
    assert old.exit_code == new.exit_code == 0 and old.output == new.output
    assert "The old name of `fieldaudit checklists`" in runner.invoke(args=["--help"]).output
