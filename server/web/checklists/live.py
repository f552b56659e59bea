"""Checklist builder: live validation while typing (builder.js posts the form being edited, or a whole definition)."""

from __future__ import annotations

import copy

from flask import jsonify, request

from server.form_text import form_text_errors, shows_text_errors, with_form_text_errors
from server.services.checklists.edit import KEY, TemplateError, preview_issues
from server.web.checklists.blueprint import bp
from server.web.checklists.common import question_types, version_or_404
from server.web.checklists.forms import place_issues, question_from, settings_from
from shared.checklist_paths import find_question
from shared.validation import validate_checklist


def _find(definition: dict, key: str) -> tuple[dict, int] | None:
    """(section, index) of the question with this key, or None."""
    found = find_question(definition, key)
    return None if found is None else (found[2], found[1])


def _apply_question(form, data: dict):
    """The change a question form would make: replace the question, or append it to its section."""
    original, section_key = form.get("original", ""), form.get("section", "")

    def change(definition: dict) -> None:
        found = _find(definition, original) if original else None
        if found:
            found[0]["questions"][found[1]] = data
            return
        for section in definition["sections"]:
            if section.get("key") == section_key:
                section.setdefault("questions", []).append(data)
                return
        raise TemplateError("section", f"there is no section '{section_key}'")

    return change


def _key_error(version, data: dict, original: str) -> str | None:
    """The builder's own key rules (a slug, unique), checked before saving as well."""
    if not KEY.match(data["key"]):
        return "a key is 1 to 64 of a-z, 0-9 and _ (for example: greeted_on_arrival)"
    if data["key"] != original and _find(version.definition, data["key"]):
        return f"the key '{data['key']}' is already used by another question"
    return None


@bp.route("/versions/<int:version_id>/validate", methods=["POST"])
@shows_text_errors
def validate(version_id: int):
    """Issues of a definition (JSON {"definition": ...}) or of the draft as the posted form would change it."""
    version = version_or_404(version_id)
    if request.is_json:
        body = request.get_json()  # a body that is not acceptable JSON is a 400 (server.json_input)
        definition = body.get("definition") if isinstance(body, dict) else None
        return jsonify(issues=[issue.to_dict() for issue in validate_checklist(definition)])
    scope = request.form.get("scope", "")
    if scope == "settings":
        data = settings_from(request.form)
        issues = preview_issues(version, lambda d: d.update(data))
        here, errors = place_issues(version.definition, issues).get("", []), form_text_errors()
    elif scope == "question":
        data, errors = question_from(request.form, question_types(version))
        problem = _key_error(version, data, request.form.get("original", ""))
        if problem:
            errors.setdefault("key", []).append(problem)
        with_form_text_errors(errors)
        definition = copy.deepcopy(version.definition)
        definition.setdefault("sections", [])
        try:
            _apply_question(request.form, data)(definition)
        except TemplateError as exc:
            return jsonify(errors={exc.field: [exc.message]}, issues=[], total=0)
        issues = validate_checklist(definition)
        here = place_issues(definition, issues).get(f"q:{data['key']}", [])
    else:
        return jsonify(errors={"scope": ["say what is being validated"]}, issues=[], total=0), 400
    return jsonify(errors=errors, issues=[issue.to_dict() for issue in here], total=len(issues))
