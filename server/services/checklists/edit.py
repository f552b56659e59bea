"""Small edits of a draft checklist version: each changes the definition dict, saves it, and returns the validator's issues."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from server.extensions import DbSession
from server.models import Template, TemplateVersion, User, VersionStatus
from server.services.checklists.versions import TemplateError, key_type_issues
from shared.checklist_paths import find_question, iter_questions
from shared.errors import Issue
from shared.validation import validate_checklist

KEY = re.compile(r"[a-z0-9_]{1,64}\Z")
SETTINGS = ("title", "description", "critical_policy", "allow_adhoc")
PHOTO_SETTINGS = ("max_edge_px", "jpeg_quality")
"""Fields of the checklist's optional photo_settings (shared.checklist.PhotoSettings) the builder sets."""

__all__ = [
    "add_question",
    "draft_issues",
    "add_section",
    "create_template",
    "delete_question",
    "delete_section",
    "move_question",
    "move_section",
    "update_question",
    "update_section",
    "update_settings",
    "TemplateError",
]


def create_template(session: DbSession, title: str, *, actor: User | None = None) -> TemplateVersion:
    """A new template whose first version is an empty draft (invalid until it has a section with a question)."""
    title = (title or "").strip()
    if not title:
        raise TemplateError("title", "a checklist needs a title")
    if len(title) > 200:
        raise TemplateError("title", "a title is at most 200 characters")
    template = Template(name=title, description="")
    version = TemplateVersion(
        template=template,
        number=1,
        status=VersionStatus.DRAFT,
        definition={
            "format": 1,
            "title": title,
            "description": "",
            "critical_policy": "flag",
            "allow_adhoc": False,
            "sections": [],
        },
        created_by_id=actor.id if actor else None,
    )
    session.add_all([template, version])
    session.flush()
    return version


def _edit(session: DbSession, version: TemplateVersion, change: Callable[[dict], object]) -> list[Issue]:
    """Apply `change` to a copy of a draft's definition (what it returns is ignored), save it and return the issues."""
    if version.status is not VersionStatus.DRAFT:
        raise TemplateError(
            "version",
            f"version {version.number} is {version.status.value}; published versions never change, start a new draft",
        )
    definition = copy.deepcopy(version.definition)
    definition.setdefault("sections", [])
    change(definition)
    version.definition = definition
    template = version.template
    if all(v.status is VersionStatus.DRAFT for v in template.versions) and isinstance(definition.get("title"), str):
        template.name = definition["title"][:200] or template.name  # not yet published: the draft names it
    session.flush()  # saved now: the guard against changing a published version speaks here, not at commit
    return draft_issues(version)


def draft_issues(version: TemplateVersion) -> list[Issue]:
    """The validator's issues, plus keys whose type differs from an earlier version (a key keeps its type)."""
    return validate_checklist(version.definition) + key_type_issues(
        version.template, version.definition, before=version.number
    )


def _sections(definition: dict) -> list[dict]:
    return definition["sections"]


def _section_index(definition: dict, key: str) -> int:
    for index, section in enumerate(_sections(definition)):
        if section.get("key") == key:
            return index
    raise TemplateError("section", f"there is no section '{key}'")


def _question_place(definition: dict, key: str) -> tuple[dict, int]:
    found = find_question(definition, key)
    if found is None:
        raise TemplateError("question", f"there is no question '{key}'")
    _, index, section, _ = found
    return section, index


def _check_key(definition: dict, key: Any, kind: str, keep: str | None = None) -> None:
    """Keys name sections and questions in the builder's addresses: a slug, unique among its kind."""
    if not isinstance(key, str) or not KEY.match(key):
        raise TemplateError("key", "a key is 1 to 64 of a-z, 0-9 and _ (for example: greeted_on_arrival)")
    if kind == "section":
        taken = {s.get("key") for s in _sections(definition)}
    else:
        taken = {q.get("key") for _, _, _, q in iter_questions(definition)}
    if key != keep and key in taken:
        raise TemplateError("key", f"the key '{key}' is already used by another {kind}")


def _move(items: list, index: int, direction: str) -> None:
    target = index + (-1 if direction == "up" else 1)
    if direction not in ("up", "down"):
        raise TemplateError("direction", "move up or down")
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def _set_pass_mark(target: dict, mark: object) -> None:
    """Set a checklist's or section's pass mark, or leave it out when None (no target: the definition stays as it was
    before pass marks existed)."""
    if mark is None:
        target.pop("pass_mark", None)
    else:
        target["pass_mark"] = mark


def update_settings(session: DbSession, version: TemplateVersion, data: dict) -> list[Issue]:
    """Change the checklist's title, description, critical policy, ad-hoc flag and photo settings (None = default;
    all defaults leave photo_settings out of the definition)."""

    def change(definition: dict) -> None:
        definition.update({name: data[name] for name in SETTINGS if name in data})
        if "photo_settings" in data:
            photo = {name: data["photo_settings"].get(name) for name in PHOTO_SETTINGS}
            photo = {name: value for name, value in photo.items() if value is not None}
            if photo:
                definition["photo_settings"] = photo
            else:
                definition.pop("photo_settings", None)
        if "pass_mark" in data:
            _set_pass_mark(definition, data["pass_mark"])

    return _edit(session, version, change)


def add_section(session: DbSession, version: TemplateVersion, data: dict) -> list[Issue]:
    """Append a section (with no questions yet, which the validator reports until one is added)."""

    def change(definition: dict) -> None:
        _check_key(definition, data.get("key"), "section")
        section = {"key": data["key"], "title": data.get("title", ""), "weight": data.get("weight"), "questions": []}
        _set_pass_mark(section, data.get("pass_mark"))
        _sections(definition).append(section)

    return _edit(session, version, change)


def update_section(session: DbSession, version: TemplateVersion, key: str, data: dict) -> list[Issue]:
    """Change a section's key, title, weight or pass mark."""

    def change(definition: dict) -> None:
        section = _sections(definition)[_section_index(definition, key)]
        _check_key(definition, data.get("key", key), "section", keep=key)
        section.update({name: data[name] for name in ("key", "title", "weight") if name in data})
        if "pass_mark" in data:
            _set_pass_mark(section, data["pass_mark"])

    return _edit(session, version, change)


def move_section(session: DbSession, version: TemplateVersion, key: str, direction: str) -> list[Issue]:
    """Move a section one place up or down (nothing happens at either end)."""
    return _edit(session, version, lambda d: _move(_sections(d), _section_index(d, key), direction))


def delete_section(session: DbSession, version: TemplateVersion, key: str) -> list[Issue]:
    """Remove a section and its questions."""
    return _edit(session, version, lambda d: _sections(d).pop(_section_index(d, key)))


def _rename_references(definition: dict, old: str, new: str) -> None:
    """Conditions follow a question whose key changed."""
    for _, _, _, question in iter_questions(definition):
        condition = question.get("visible_if")
        if isinstance(condition, dict) and condition.get("question") == old:
            condition["question"] = new


def add_question(session: DbSession, version: TemplateVersion, section_key: str, data: dict) -> list[Issue]:
    """Append a question to a section; its key must be new in the whole checklist."""

    def change(definition: dict) -> None:
        section = _sections(definition)[_section_index(definition, section_key)]
        _check_key(definition, data.get("key"), "question")
        section.setdefault("questions", []).append(dict(data))

    return _edit(session, version, change)


def update_question(session: DbSession, version: TemplateVersion, key: str, data: dict) -> list[Issue]:
    """Replace a question's fields (data is the whole question); a new key is carried into visible_if conditions."""

    def change(definition: dict) -> None:
        section, index = _question_place(definition, key)
        _check_key(definition, data.get("key"), "question", keep=key)
        section["questions"][index] = dict(data)
        if data["key"] != key:
            _rename_references(definition, key, data["key"])

    return _edit(session, version, change)


def move_question(session: DbSession, version: TemplateVersion, key: str, direction: str) -> list[Issue]:
    """Move a question one place up or down within its section."""

    def change(definition: dict) -> None:
        section, index = _question_place(definition, key)
        _move(section["questions"], index, direction)

    return _edit(session, version, change)


def delete_question(session: DbSession, version: TemplateVersion, key: str) -> list[Issue]:
    """Remove a question (conditions naming it are then reported by the validator)."""

    def change(definition: dict) -> None:
        section, index = _question_place(definition, key)
        section["questions"].pop(index)

    return _edit(session, version, change)


def preview_issues(version: TemplateVersion, change: Callable[[dict], None]) -> list[Issue]:
    """The issues the definition would have after `change`, without saving anything (live validation)."""
    definition = copy.deepcopy(version.definition)
    definition.setdefault("sections", [])
    change(definition)
    return validate_checklist(definition)
