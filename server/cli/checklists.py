"""`fieldaudit checklists ...`: import, export, validate, publish and list checklist templates from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from server.cli.common import InputError, fail_on
from server.extensions import db
from server.json_input import JsonInputError, load_json


def read_json(path: str) -> Any:
    """A JSON file's content, or exit 2 with a plain message if it is missing, unreadable or not JSON."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        return load_json(text)
    except JsonInputError as exc:
        raise InputError(f"{path}: {exc.reason.removeprefix('is ')}") from None


def report_issues(path: str, issues) -> None:
    """Print every issue (path and message) to stderr and exit 1."""
    click.echo(f"{path}: {len(issues)} error{'s' * (len(issues) != 1)}", err=True)
    for issue in issues:
        click.echo(f"  {issue.path or '(checklist)'}: {issue.message}", err=True)
    click.get_current_context().exit(1)


def _version(version_id: int):
    from server.models import TemplateVersion

    version = db.session.get(TemplateVersion, version_id)
    if version is None:
        raise click.ClickException(f"version: there is no template version with id {version_id}")
    return version


checklists_group = AppGroup("checklists", help="Import, export, validate, publish and list checklist templates.")


@checklists_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=True))
def validate_command(file: str) -> None:
    """Check a checklist JSON file and print every problem found."""
    from server.services.checklists.versions import validate_checklist

    data = read_json(file)
    issues = validate_checklist(data)
    if issues:
        report_issues(file, issues)
    sections = data["sections"]
    questions = sum(len(section["questions"]) for section in sections)
    click.echo(f"valid: {len(sections)} sections, {questions} questions")


@checklists_group.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--publish", is_flag=True, help="Publish the imported version at once.")
@click.option(
    "--into",
    "template_id",
    type=int,
    default=None,
    metavar="TEMPLATE_ID",
    help="Add the checklist as the next version of this template.",
)
def import_command(file: str, publish: bool, template_id: int | None) -> None:
    """Import a checklist JSON file as a new template, or as a new version of one (--into)."""
    from server.models import Template
    from server.services.checklists.versions import ChecklistInvalid, import_template

    data = read_json(file)
    template = None
    if template_id is not None:
        template = db.session.get(Template, template_id)
        if template is None:
            raise click.ClickException(f"into: there is no template with id {template_id}")
    try:
        with fail_on():
            version = import_template(db.session, data, template=template, publish=publish)
    except ChecklistInvalid as exc:
        report_issues(file, exc.issues)
    click.echo(
        f"Imported '{version.template.name}' as template {version.template_id}, version {version.number} "
        f"(version id {version.id}, {version.status.value})."
    )


@checklists_group.command("export")
@click.argument("version_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_command(version_id: int, output: str | None) -> None:
    """Write a template version as checklist JSON."""
    from server.services.checklists.versions import export_version

    text = json.dumps(export_version(_version(version_id)), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot be written ({exc.strerror or exc})") from None
    click.echo(f"Wrote version {version_id} to {output}.", err=True)


@checklists_group.command("publish")
@click.argument("version_id", type=int)
def publish_command(version_id: int) -> None:
    """Publish a draft version (earlier published versions are retired)."""
    from server.services.checklists.versions import ChecklistInvalid, publish_version

    version = _version(version_id)
    try:
        with fail_on():
            publish_version(db.session, version)
    except ChecklistInvalid as exc:
        report_issues(f"version {version_id}", exc.issues)
    click.echo(f"Published version {version.number} of template {version.template_id}.")


@checklists_group.command("list")
def list_command() -> None:
    """List templates and their versions."""
    from server.services.checklists.versions import list_templates

    templates = list_templates(db.session)
    if not templates:
        click.echo("No templates yet. Import one with `fieldaudit template import FILE`.")
        return
    for template in templates:
        click.echo(f"{template.id:>4}  {template.name}")
        for version in template.versions:
            questions = sum(len(s["questions"]) for s in version.definition.get("sections", []))
            click.echo(
                f"        version {version.number} (id {version.id}): {version.status.value}, "
                f"{questions} questions, created {version.created_at:%Y-%m-%d}"
            )


template_group = AppGroup(
    "template",
    commands=checklists_group.commands,
    help="The old name of `fieldaudit checklists` (kept for existing scripts).",
)
