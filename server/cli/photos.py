"""`fieldaudit photos cleanup | renditions`: reclaim photo storage, and make renditions ahead of time."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

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
