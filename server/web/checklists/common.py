"""What the checklist pages share: the version a URL names, the edit page, and question counts and types."""

from __future__ import annotations

from typing import Any

from flask import render_template

from server.http.access import get_or_404
from server.models import TemplateVersion
from server.services.checklists import edit as service
from server.web.checklists.forms import place_issues
from shared.checklist import CRITICAL_POLICIES
from shared.checklist_paths import iter_questions


def version_or_404(version_id: int) -> TemplateVersion:
    """The template version with this id, else 404."""
    return get_or_404(TemplateVersion, version_id)


def question_count(definition: dict) -> int:
    """How many questions a (possibly unfinished) definition holds."""
    return sum(len(s.get("questions") or []) for s in definition.get("sections") or [] if isinstance(s, dict))


def render_edit(version: TemplateVersion, *, errors: dict | None = None, forms: dict | None = None, status: int = 200):
    """The edit page (read-only for published versions) with the validator's issues placed by section and question."""
    definition = version.definition
    issues = service.draft_issues(version)
    return render_template(
        "checklists/edit.html",
        version=version,
        definition=definition,
        issues=issues,
        placed=place_issues(definition, issues),
        errors=errors or {},
        forms=forms or {},
        policies=CRITICAL_POLICIES,
    ), status


def question_types(version: TemplateVersion) -> dict[Any, Any]:
    """Question key -> type, for typing visible_if values (as the draft holds them: unchecked JSON)."""
    return {q.get("key"): q.get("type") for _, _, _, q in iter_questions(version.definition)}
