"""`fieldaudit backup DIR` and `fieldaudit restore DIR`: a consistent snapshot of a running instance, and its restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server.cli.common import fail_on
from server.extensions import db
from server.storage import StorageError

FAILURES = (OSError, sqlite3.Error, StorageError)
"""What else ends a backup or restore with its message: the disk, SQLite's own errors, the photo storage."""

MAX_PATH_CHARS = 4096


@click.command("backup")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--photos",
    "photo_mode",
    type=click.Choice(["copy", "manifest"]),
    default=None,
    help="copy the photo bytes into DIR, or list their keys and hashes (default: copy on disk, manifest for S3).",
)
@with_appcontext
def backup_command(folder: Path, photo_mode: str | None) -> None:
    """Back up the database and the photos into DIR (new or empty) while the server keeps serving."""
    from server.services.backup.snapshot import default_photo_mode, take_backup
    from server.storage import current_storage

    _check_length(folder)
    mode = photo_mode or default_photo_mode(current_app.config.get("PHOTO_STORAGE") or "filesystem")
    with fail_on(*FAILURES):
        report = take_backup(db.engine, current_storage(), folder, mode)
    for line in report.lines():
        click.echo(line)


@click.command("restore")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
@with_appcontext
def restore_command(folder: Path, force: bool) -> None:
    """Restore a backup made by `fieldaudit backup` into this instance's database and photo storage."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from server.database import upgrade_schema
    from server.services.backup.restore import restore_backup
    from server.storage import current_storage

    _check_length(folder)
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())

    def known(revision: str) -> bool:
        try:
            return script.get_revision(revision) is not None
        except CommandError:
            return False

    with fail_on(*FAILURES):
        report = restore_backup(
            db.engine,
            current_storage(),
            folder,
            heads=set(script.get_heads()),
            known_revision=known,
            upgrade=upgrade_schema,
            force=force,
        )
    for line in report.lines():
        click.echo(line)


def _check_length(folder: Path) -> None:
    if len(str(folder)) > MAX_PATH_CHARS:
        raise click.UsageError(f"DIR is longer than {MAX_PATH_CHARS} characters.")
