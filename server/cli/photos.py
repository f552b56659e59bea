"""`fieldaudit photos cleanup | renditions | copy-to-s3`: reclaim photo storage, make renditions ahead of time,
move photos from disk to an S3 bucket."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from server.cli.common import InputError
from server.extensions import db


@click.group("photos")
def photos_group() -> None:
    """Look after stored photos."""


@photos_group.command("cleanup")
@click.option(
    "--partial-hours",
    type=click.IntRange(min=1),
    default=None,
    help="Delete partial uploads untouched for this many hours (default PHOTO_PARTIAL_MAX_AGE_HOURS).",
)
@click.option(
    "--retention-days",
    type=click.IntRange(min=0),
    default=None,
    help="Delete photos of visits rejected this many days ago (default REJECTED_PHOTO_RETENTION_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be deleted and delete nothing.")
@with_appcontext
def cleanup_command(partial_hours: int | None, retention_days: int | None, dry_run: bool) -> None:
    """Delete stale partial uploads and the photos of rejected visits past their retention period (idempotent)."""
    from server.services.photos.cleanup import cleanup_photos
    from server.storage import current_storage

    config = current_app.config
    hours = partial_hours if partial_hours is not None else config["PHOTO_PARTIAL_MAX_AGE_HOURS"]
    days = retention_days if retention_days is not None else config["REJECTED_PHOTO_RETENTION_DAYS"]
    report = cleanup_photos(
        db.session,
        current_storage(),
        partial_max_age=timedelta(hours=hours),
        retention=timedelta(days=days),
        dry_run=dry_run,
    )
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was deleted.")


@photos_group.command("renditions")
@with_appcontext
def renditions_command() -> None:
    """Make the page and thumbnail renditions of complete photos that have none (photos stored before 0007)."""
    from server.models import Photo
    from server.services.photos.renditions import ensure_renditions
    from server.storage import current_storage

    storage = current_storage()
    pending = db.session.scalars(
        select(Photo)
        .where(
            Photo.completed_at.is_not(None),
            Photo.storage_key.is_not(None),
            Photo.thumb_key.is_(None),
            Photo.refused_reason.is_(None),
            Photo.removed_at.is_(None),
        )
        .order_by(Photo.id)
    ).all()
    made = refused = 0
    for photo in pending:
        if ensure_renditions(db.session, storage, photo):
            made += 1
        elif photo.refused_reason:
            refused += 1
            click.echo(f"photo {photo.id}: cannot be shown: {photo.refused_reason}")
    click.echo(
        f"made renditions for {made} photo(s); {refused} cannot be shown; "
        f"{len(pending) - made - refused} left for later (busy or unreadable storage)"
    )


@photos_group.command("copy-to-s3")
@click.option(
    "--from-path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The photo folder to copy from (default: FIELDAUDIT_PHOTO_STORAGE_PATH).",
)
@with_appcontext
def copy_to_s3_command(from_path: Path | None) -> None:
    """Copy every photo and its renditions from disk to the bucket of the FIELDAUDIT_S3_* settings, each read back
    and its SHA-256 checked (idempotent: run it while serving from disk, then again after switching to s3)."""
    from server.services.photos.move_to_s3 import copy_photos_to_s3
    from server.storage import FilesystemStorage
    from server.storage.s3 import S3Settings, S3Storage, StorageUnavailable

    config = current_app.config
    folder = from_path if from_path is not None else Path(config["PHOTO_STORAGE_PATH"])
    if not folder.is_dir():
        raise InputError(f"--from-path: {folder} is not a folder")
    try:
        target = S3Storage.from_settings(S3Settings.from_config(config))
        target.bucket.check()
    except RuntimeError as exc:
        raise InputError(str(exc)) from None
    try:
        report = copy_photos_to_s3(
            db.session, FilesystemStorage(folder), target, max_pixels=int(config["PHOTO_MAX_PIXELS"])
        )
    except StorageUnavailable as exc:
        raise click.ClickException(f"{exc}; nothing half-copied is left, run the command again") from None
    finally:
        db.session.rollback()  # read only
    for line in report.lines():
        click.echo(line)
    if report.problems:
        raise click.ClickException(
            f"{len(report.problems)} photo(s) are not safely in the bucket (see above); "
            "keep serving from disk, fix them and run the command again"
        )
    click.echo(f"Every photo is in the {target.bucket.where()} with the hash the database recorded.")
