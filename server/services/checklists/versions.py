"""Checklist templates and their versions: import, publish, draft from, export (docs/checklist-format.md)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Assignment, AssignmentStatus, Template, TemplateVersion, User, VersionStatus
from server.models.types import utcnow
from server.services.activity import log_activity
from server.services.errors import ServiceError
from server.services.sync.changes import record_change
from shared.checklist import Checklist
from shared.checklist_paths import iter_questions, question_path
from shared.errors import ChecklistInvalid, Issue
from shared.schemas import dump_checklist
from shared.validation import load_checklist, validate_checklist

__all__ = [
    "ChecklistInvalid",
    "TemplateError",
    "checklist_of",
    "published_checklist",
    "key_type_issues",
    "export_version",
    "import_template",
    "list_templates",
    "new_draft_from",
    "publish_version",
    "validate_checklist",
]


class TemplateError(ServiceError):
    """A template operation that cannot be done as asked; `field` names the input at fault."""


def checklist_of(version: TemplateVersion) -> Checklist:
    """The shared Checklist of a version, loaded once per published version object (they never change).

    Beyond the object, a process-wide cache keyed by the definition's own JSON text: every pushed visit
    reads its version afresh (each visit is its own transaction), and loading a checklist through the
    marshmallow schemas was most of a push's time. Keyed by content, never by id, so a reused id (a
    truncated test database) cannot return another checklist; Checklist objects are frozen.
    """
    cached = version.__dict__.get("_fieldaudit_checklist")
    if cached is not None and version.status is not VersionStatus.DRAFT:
        return cached
    if version.status is VersionStatus.DRAFT:
        return load_checklist(version.definition)
    checklist = published_checklist(json.dumps(version.definition, sort_keys=True, separators=(",", ":")))
    version.__dict__["_fieldaudit_checklist"] = checklist  # beside the mapped state, as read above
    return checklist


@lru_cache(maxsize=128)
def published_checklist(definition_json: str) -> Checklist:
    """The Checklist of a published version's definition given as JSON text, loaded once per process.

    Keyed by content, so a reused id cannot return another checklist. checklist_of passes the
    definition's canonical text; push_lookups selects the stored text itself, so a push neither
    parses nor re-serialises the definition.
    """
    return load_checklist(json.loads(definition_json))


def key_type_issues(template: Template, definition: dict, *, before: int | None = None) -> list[Issue]:
    """Questions whose key had another type in an earlier version (only versions numbered below `before`, if given).

    A key keeps its type across versions, so trends by question stay meaningful. Works on the raw definition,
    so it also speaks about drafts that do not validate yet."""
    earlier: dict[str | None, tuple[str | None, int]] = {}  # raw drafts: key and type may be missing
    for other in sorted(template.versions, key=lambda v: v.number):
        if before is None or other.number < before:
            for _, _, _, question in iter_questions(other.definition):
                earlier[question.get("key")] = (question.get("type"), other.number)
    issues = []
    for s, j, section, question in iter_questions(definition):
        old = earlier.get(question.get("key"))
        if old and question.get("type") != old[0]:
            issues.append(
                Issue(
                    question_path(s, j, "type"),
                    f"section '{section.get('key')}' ({s + 1}), question '{question.get('key')}' ({j + 1}): the key "
                    f"was a {old[0]} question in version {old[1]}; a key keeps its type across versions, use a new key",
                    question.get("key"),
                )
            )
    return issues


def _draft_of(template: Template) -> TemplateVersion | None:
    return next((v for v in template.versions if v.status is VersionStatus.DRAFT), None)


def _next_number(template: Template) -> int:
    return max((v.number for v in template.versions), default=0) + 1


def import_template(
    session: DbSession, data: Any, *, actor: User | None = None, template: Template | None = None, publish: bool = False
) -> TemplateVersion:
    """Validate a checklist document and store it as a new template, or as the next draft version of `template`.

    Raises ChecklistInvalid (every issue, with paths naming section and question) or TemplateError.
    """
    checklist = load_checklist(data)
    if template is None:
        template = Template(name=checklist.title, description=checklist.description)
        session.add(template)
    else:
        issues = key_type_issues(template, dump_checklist(checklist))
        if issues:
            raise ChecklistInvalid(issues)
        draft = _draft_of(template)
        if draft is not None:
            raise TemplateError(
                "template",
                f"template {template.id} already has draft version {draft.number} "
                f"(id {draft.id}); publish it before importing another",
            )
    version = TemplateVersion(
        template=template,
        number=_next_number(template),
        status=VersionStatus.DRAFT,
        definition=dump_checklist(checklist),
        created_by_id=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    if publish:
        publish_version(session, version)
    return version


def publish_version(session: DbSession, version: TemplateVersion, *, actor: User | None = None) -> TemplateVersion:
    """Make a draft the version new visits use; earlier published versions are retired (still valid for visits)."""
    if version.status is not VersionStatus.DRAFT:
        raise TemplateError(
            "version",
            f"version {version.number} of template {version.template_id} is "
            f"{version.status.value}; only drafts can be published",
        )
    checklist = load_checklist(version.definition)  # drafts may have been edited since import
    template = version.template
    issues = key_type_issues(template, version.definition, before=version.number)
    if issues:
        raise ChecklistInvalid(issues)
    for other in template.versions:
        if other.status is VersionStatus.PUBLISHED and other is not version:
            other.status = VersionStatus.RETIRED
            record_change(session, "template_version", other.id)
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    log_activity(
        session, actor, "published", "template_version", version.id, f"{checklist.title}, version {version.number}"
    )
    template.name, template.description = checklist.title, checklist.description
    session.flush()
    record_change(session, "template_version", version.id)
    open_work = select(Assignment.id, Assignment.shopper_id).where(
        Assignment.template_id == template.id, Assignment.status == AssignmentStatus.OPEN
    )
    for assignment_id, shopper_id in session.execute(open_work).all():  # their phones start new visits on it now
        record_change(session, "assignment", assignment_id, audience=shopper_id)
    return version


def new_draft_from(session: DbSession, version: TemplateVersion, *, actor: User | None = None) -> TemplateVersion:
    """Start editing: a new draft version holding a copy of `version`'s checklist."""
    template = version.template
    draft = _draft_of(template)
    if draft is not None:
        raise TemplateError(
            "template",
            f"template {template.id} already has draft version {draft.number} (id {draft.id}); edit that one",
        )
    new = TemplateVersion(
        template=template,
        number=_next_number(template),
        status=VersionStatus.DRAFT,
        definition=copy.deepcopy(version.definition),
        created_by_id=actor.id if actor else None,
    )
    session.add(new)
    session.flush()
    return new


def export_version(version: TemplateVersion) -> dict:
    """The version's checklist document; importing it gives back exactly the same definition."""
    return dump_checklist(load_checklist(version.definition))


def list_templates(session: DbSession) -> list[Template]:
    """Every template with its versions, oldest first."""
    return list(session.scalars(select(Template).order_by(Template.id)))
