"""Checklist builder (admin): templates and their versions, create, publish, new draft, import, export, history."""

from __future__ import annotations

import json
import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_or_404
from server.json_input import JsonInputError, load_json
from server.models import Template, VersionStatus
from server.permissions import MAX_INT_ID
from server.services.checklists.diff import diff_versions
from server.services.checklists.edit import create_template, draft_issues
from server.services.checklists.versions import (
    ChecklistInvalid,
    export_version,
    import_template,
    list_templates,
    new_draft_from,
    publish_version,
)
from server.services.errors import ServiceError
from server.services.transactions import atomic
from server.web.checklists.blueprint import bp
from server.web.checklists.common import render_edit, version_or_404
from server.web.common import attempt


def _templates_page(errors: dict, form, status: int = 200):
    """The checklist list with the new-checklist form, showing ``errors`` and what was typed."""
    return render_template(
        "checklists/templates.html", templates=list_templates(db.session), errors=errors, form=form
    ), status


@bp.route("/")
def templates():
    """Every template with its versions, and a form to start a new one."""
    return _templates_page({}, {})


@bp.route("/templates", methods=["POST"])
@shows_text_errors
def create():
    """Start a new checklist: a template whose first version is an empty draft."""
    if errors := form_text_errors():
        return _templates_page(errors, request.form, 422)
    version, refused = attempt(create_template, db.session, request.form.get("title", ""), actor=current_user)
    if refused:
        return _templates_page(refused, request.form, 422)
    flash("Checklist created. Add a section and its questions, then publish.", "success")
    return redirect(url_for("checklists.edit", version_id=version.id))


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
def publish(version_id: int):
    """Publish a draft; with problems it stays a draft and the problems are listed."""

    version = version_or_404(version_id)
    problems = draft_issues(version) if version.status is VersionStatus.DRAFT else []
    try:
        if problems:
            raise ChecklistInvalid(problems)
        with atomic(db.session):
            publish_version(db.session, version, actor=current_user)
    except ChecklistInvalid as exc:
        flash(f"Not published: fix the {len(exc.issues)} problem{'s' * (len(exc.issues) != 1)} listed first.", "error")
        return render_edit(version, status=422)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("checklists.edit", version_id=version.id))
    flash(f"Version {version.number} is published; new visits use it.", "success")
    return redirect(url_for("checklists.edit", version_id=version.id))


@bp.route("/versions/<int:version_id>/new-draft", methods=["POST"])
def new_draft(version_id: int):
    """Start a new draft holding a copy of this version."""
    version = version_or_404(version_id)
    try:
        with atomic(db.session):
            draft = new_draft_from(db.session, version, actor=current_user)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("checklists.templates"))
    flash(f"Draft version {draft.number} started from version {version.number}.", "success")
    return redirect(url_for("checklists.edit", version_id=draft.id))


@bp.route("/versions/<int:version_id>/export.json")
def export(version_id: int):
    """Download the version's checklist JSON."""
    version = version_or_404(version_id)
    try:
        document = export_version(version)
    except ChecklistInvalid:
        flash("This draft has problems; fix them before exporting it.", "error")
        return redirect(url_for("checklists.edit", version_id=version.id))
    slug = re.sub(r"[^a-z0-9]+", "-", version.template.name.lower()).strip("-") or "checklist"
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{slug}-v{version.number}.json"'},
    )


def _import_page(errors: dict, issues=(), status: int = 200):
    return render_template(
        "checklists/import.html", templates=list_templates(db.session), errors=errors, issues=issues, form=request.form
    ), status


@bp.route("/import", methods=["GET", "POST"])
@shows_text_errors
def import_json():
    """Upload a checklist JSON file: a new template, or the next draft version of an existing one."""
    if request.method == "GET":
        return _import_page({})
    if errors := form_text_errors():
        return _import_page(errors, status=422)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page({"file": ["choose a JSON file to import"]}, status=422)
    try:
        data = load_json(upload.read())
    except JsonInputError as exc:
        return _import_page({"file": [f"this file {exc.reason}"]}, status=422)
    target = request.form.get("template_id", "")
    template = db.session.get(Template, int(target)) if target.isdigit() and int(target) <= MAX_INT_ID else None
    if target and template is None:
        return _import_page({"template_id": ["choose a template from the list"]}, status=422)
    try:
        version, refused = attempt(import_template, db.session, data, actor=current_user, template=template)
    except ChecklistInvalid as exc:
        return _import_page(
            {"file": [f"the file has {len(exc.issues)} problem{'s' * (len(exc.issues) != 1)}"]}, exc.issues, status=422
        )
    if refused:
        return _import_page(
            {"template_id" if field == "template" else "file": messages for field, messages in refused.items()},
            status=422,
        )
    flash(f"Imported as draft version {version.number} of “{version.template.name}”.", "success")
    return redirect(url_for("checklists.edit", version_id=version.id))


@bp.route("/templates/<int:template_id>/history")
def history(template_id: int):
    """The template's versions and what changed between two of them (?old=&new= version numbers)."""
    template = get_or_404(Template, template_id)
    by_number = {v.number: v for v in template.versions}
    numbers = sorted(by_number)
    new = request.args.get("new", type=int, default=numbers[-1])
    old = request.args.get("old", type=int, default=numbers[-2] if len(numbers) > 1 else numbers[-1])
    if old not in by_number or new not in by_number:
        abort(404)
    changes = diff_versions(by_number[old].definition, by_number[new].definition)
    return render_template(
        "checklists/history.html",
        template=template,
        old=old,
        new=new,
        numbers=numbers,
        changes=changes,
        VersionStatus=VersionStatus,
    )
