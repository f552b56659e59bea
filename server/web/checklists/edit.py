"""Checklist builder: the edit page of a draft, its section and question forms, and live validation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors, with_form_text_errors
from server.models import TemplateVersion
from server.services.checklists import edit as service
from server.web.checklists.blueprint import bp
from server.web.checklists.common import question_types, render_edit, version_or_404
from server.web.checklists.forms import (
    FIELD_TYPES,
    PASS_OPS,
    TYPE_LABELS,
    place_issues,
    question_form,
    question_from,
    section_from,
    settings_from,
)
from server.web.common import FormErrors, attempt
from shared.checklist import CRITICAL_POLICIES
from shared.checklist_paths import iter_questions


def _saved(version: TemplateVersion, issues, what: str, anchor: str = ""):
    """After a save: back to the edit page, saying whether problems remain."""
    more = f" {len(issues)} problem{'s' * (len(issues) != 1)} to fix before publishing." if issues else ""
    flash(f"{what}.{more}", "warning" if issues else "success")
    return redirect(url_for("checklists.edit", version_id=version.id) + anchor)


def _refused(version: TemplateVersion, errors: FormErrors):
    """Back to the edit page, saying why the change was refused (nothing was saved)."""
    for messages in errors.values():
        for message in messages:
            flash(message, "error")
    return redirect(url_for("checklists.edit", version_id=version.id))


def _on_form(errors: FormErrors) -> FormErrors:
    """A refusal's errors under the form's own fields; those naming anything else under "_form"."""
    return {(field if field in request.form else "_form"): messages for field, messages in errors.items()}


def _apply(version_id: int, change, what: str, anchor: str = ""):
    """Run one button's edit on the draft: saved (with any problems left) or refused with the reason."""
    version = version_or_404(version_id)
    issues, refused = attempt(change, version)
    if refused:
        return _refused(version, refused)
    return _saved(version, issues, what, anchor)


@bp.route("/versions/<int:version_id>")
def edit(version_id: int):
    """Edit a draft, or look at a published version."""
    return render_edit(version_or_404(version_id))


@bp.route("/versions/<int:version_id>/settings", methods=["POST"])
@shows_text_errors
def settings(version_id: int):
    """Save the checklist's title, description, critical policy and ad-hoc flag."""
    version = version_or_404(version_id)
    if errors := form_text_errors():
        return render_edit(version, errors={"settings": errors}, forms={"settings": request.form}, status=422)
    issues, refused = attempt(service.update_settings, db.session, version, settings_from(request.form))
    if refused:
        return _refused(version, refused)
    return _saved(version, issues, "Settings saved")


@bp.route("/versions/<int:version_id>/sections", methods=["POST"])
@shows_text_errors
def add_section(version_id: int):
    """Add a section at the end."""
    return _section_save(version_or_404(version_id), None)


@bp.route("/versions/<int:version_id>/sections/<key>", methods=["POST"])
@shows_text_errors
def update_section(version_id: int, key: str):
    """Save a section's key, title and weight."""
    return _section_save(version_or_404(version_id), key)


def _section_save(version: TemplateVersion, key: str | None):
    form_id = f"section:{key}" if key else "new_section"
    data, errors = section_from(request.form)
    with_form_text_errors(errors)
    if not errors:
        issues, refused = (
            attempt(service.update_section, db.session, version, key, data)
            if key
            else attempt(service.add_section, db.session, version, data)
        )
        if not refused:
            return _saved(version, issues, f"Section '{data['key']}' saved", f"#s-{data['key']}")
        errors = _on_form(refused)
    return render_edit(version, errors={form_id: errors}, forms={form_id: request.form}, status=422)


@bp.route("/versions/<int:version_id>/sections/<key>/move", methods=["POST"])
def move_section(version_id: int, key: str):
    """Move a section up or down."""
    direction = request.form.get("direction", "")
    return _apply(
        version_id, lambda v: service.move_section(db.session, v, key, direction), f"Section '{key}' moved", f"#s-{key}"
    )


@bp.route("/versions/<int:version_id>/sections/<key>/delete", methods=["POST"])
def delete_section(version_id: int, key: str):
    """Delete a section and its questions."""
    return _apply(version_id, lambda v: service.delete_section(db.session, v, key), f"Section '{key}' deleted")


def _earlier_questions(definition: dict, key: str | None) -> list[dict]:
    """Questions before `key` (all of them for a new question): what visible_if may name."""
    earlier: list[dict] = []
    for _, _, _, question in iter_questions(definition):
        if question.get("key") == key:
            return earlier
        earlier.append(question)
    return earlier


def _question_page(version, section_key, key, form, errors, status=200):
    definition = version.definition
    issues = service.draft_issues(version)
    return render_template(
        "checklists/question.html",
        version=version,
        section_key=section_key,
        key=key,
        form=form,
        errors=errors,
        issues=place_issues(definition, issues).get(f"q:{key}", []) if key else [],
        earlier=_earlier_questions(definition, key),
        types=TYPE_LABELS,
        field_types=FIELD_TYPES,
        pass_ops=PASS_OPS,
        policies=CRITICAL_POLICIES,
    ), status


@bp.route("/versions/<int:version_id>/sections/<section_key>/questions/new", methods=["GET", "POST"])
@shows_text_errors
def new_question(version_id: int, section_key: str):
    """Add a question at the end of a section."""
    version = version_or_404(version_id)
    if request.method == "GET":
        return _question_page(version, section_key, None, {"type": "yes_no", "weight": "1"}, {})
    data, errors = question_from(request.form, question_types(version))
    with_form_text_errors(errors)
    if not errors:
        issues, refused = attempt(service.add_question, db.session, version, section_key, data)
        if not refused:
            return _saved(version, issues, f"Question '{data['key']}' added", f"#q-{data['key']}")
        errors = _on_form(refused)
    return _question_page(version, section_key, None, request.form, errors, 422)


@bp.route("/versions/<int:version_id>/questions/<key>", methods=["GET", "POST"])
@shows_text_errors
def question(version_id: int, key: str):
    """Edit a question."""
    version = version_or_404(version_id)
    if request.method == "GET":
        found = next((q for q in _earlier_questions(version.definition, None) if q.get("key") == key), None)
        if found is None:
            return redirect(url_for("checklists.edit", version_id=version.id))
        return _question_page(version, None, key, question_form(found), {})
    data, errors = question_from(request.form, question_types(version))
    with_form_text_errors(errors)
    if not errors:
        issues, refused = attempt(service.update_question, db.session, version, key, data)
        if not refused:
            return _saved(version, issues, f"Question '{data['key']}' saved", f"#q-{data['key']}")
        errors = _on_form(refused)
    return _question_page(version, None, key, request.form, errors, 422)


@bp.route("/versions/<int:version_id>/questions/<key>/move", methods=["POST"])
def move_question(version_id: int, key: str):
    """Move a question up or down within its section."""
    direction = request.form.get("direction", "")
    return _apply(
        version_id,
        lambda v: service.move_question(db.session, v, key, direction),
        f"Question '{key}' moved",
        f"#q-{key}",
    )


@bp.route("/versions/<int:version_id>/questions/<key>/delete", methods=["POST"])
def delete_question(version_id: int, key: str):
    """Delete a question."""
    return _apply(version_id, lambda v: service.delete_question(db.session, v, key), f"Question '{key}' deleted")
