"""Reclaiming photo storage: stale partial uploads, and the photos of rejected visits after their retention period.

One service function (`cleanup_photos`), so `fieldaudit photos cleanup` and, later, a periodic job
call the same code. It is idempotent (a second run finds nothing left to do), `dry_run` reports
what it would do and changes nothing, and a partial upload that is being written right now (its
storage lock is held) is left alone. The database records what was removed: a photo whose partial
data went is back at `received_bytes = 0` (the phone's next HEAD says start again); a photo of a
rejected visit keeps its row, manifest and hash, with `removed_at` set and no file keys. Each of the two
batches commits itself once its files are deleted (files cannot be rolled back), so it runs outside `atomic`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from server.extensions import DbSession
from server.models import Photo, Visit, VisitStatus
from server.models.types import utcnow
from server.services.photos.renditions import discard_renditions
from server.storage import PhotoStorage, StorageBusy, rendition_key


@dataclass
class CleanupReport:
    """What a cleanup run removed (or, with dry_run, would remove)."""

    dry_run: bool
    partials: list[str] = field(default_factory=list)
    busy_partials: list[str] = field(default_factory=list)
    rejected_photos: list[str] = field(default_factory=list)
    rejected_visits: set[str] = field(default_factory=set)

    def lines(self) -> list[str]:
        """One line per kind of work, in words (what the CLI prints)."""
        verb = "would delete" if self.dry_run else "deleted"
        lines = [f"{verb} {len(self.partials)} stale partial upload(s)"]
        lines += [f"  {key}.partial" for key in self.partials]
        if self.busy_partials:
            lines.append(f"skipped {len(self.busy_partials)} partial upload(s) being written right now")
        lines.append(
            f"{verb} the files of {len(self.rejected_photos)} photo(s) of "
            f"{len(self.rejected_visits)} rejected visit(s) past their retention period"
        )
        lines += [f"  {key}" for key in self.rejected_photos]
        return lines


def cleanup_photos(
    session: DbSession,
    storage: PhotoStorage,
    *,
    partial_max_age: timedelta,
    retention: timedelta,
    dry_run: bool = False,
    now: datetime | None = None,
) -> CleanupReport:
    """Delete partial uploads untouched for `partial_max_age` and rejected visits' photos older than `retention`."""
    now = now or utcnow()
    report = CleanupReport(dry_run)
    _stale_partials(session, storage, now - partial_max_age, report)
    _rejected_photos(session, storage, now - retention, now, report)
    return report


def _stale_partials(session: DbSession, storage: PhotoStorage, cutoff: datetime, report: CleanupReport) -> None:
    """Partial data (of a photo or a rendition) last written before `cutoff`; the photo's progress reset."""
    for key, modified in sorted(storage.partials()):
        if modified >= cutoff:
            continue
        if report.dry_run:
            report.partials.append(key)
            continue
        try:
            with storage.lock(key):
                storage.discard_partial(key)
        except StorageBusy:
            report.busy_partials.append(key)
            continue
        report.partials.append(key)
        if "~" not in key:
            visit_id, photo_id = (uuid.UUID(part) for part in key.split("/"))
            session.execute(
                update(Photo)
                .where(Photo.id == photo_id, Photo.visit_id == visit_id, Photo.completed_at.is_(None))
                .values(received_bytes=0)
                .execution_options(synchronize_session=False)
            )
    session.commit()  # a batch of its own: the partials are gone from storage, so their reset progress must stay


def _rejected_photos(
    session: DbSession, storage: PhotoStorage, cutoff: datetime, now: datetime, report: CleanupReport
) -> None:
    """Originals, renditions and partials of photos of visits rejected before `cutoff`, not removed yet."""
    photos = session.scalars(
        select(Photo)
        .join(Visit, Visit.id == Photo.visit_id)
        .where(
            Visit.status == VisitStatus.REJECTED,
            Visit.reviewed_at < cutoff,
            Photo.removed_at.is_(None),
            or_(Photo.storage_key.is_not(None), Photo.received_bytes > 0),
        )
        .order_by(Photo.visit_id, Photo.id)
    ).all()
    for photo in photos:
        key = f"{photo.visit_id}/{photo.id}"
        report.rejected_photos.append(key)
        report.rejected_visits.add(str(photo.visit_id))
        if report.dry_run:
            continue
        storage.delete(key)
        discard_renditions(storage, key)
        for name in ("page", "thumb"):
            storage.discard_partial(rendition_key(key, name))
        photo.storage_key = photo.page_key = photo.thumb_key = None
        photo.removed_at = now
    session.commit()  # a batch of its own: the files are gone from storage, so their removal must stay recorded
