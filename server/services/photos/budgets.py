"""How many photos (and bytes) one visit may carry and one shopper may send in 24 hours: checked at push and upload.

The push checks the manifest (a visit over a budget is `invalid` with the reason under `photos`, so
no visit waits forever for photos the server would refuse); the upload checks again, because the
limits may have been lowered since and corrections add photos: a visit over its budget gets `413`,
a shopper over the daily quota `429` with `Retry-After`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from server.extensions import DbSession
from server.models import Photo, User, Visit
from server.models.types import utcnow
from server.services.photos.checks import PhotoTooLarge, QuotaExceeded
from server.services.sync.push_queries import DAILY_PHOTOS, DAILY_PHOTOS_BESIDES, connection_after_flush
from shared.errors import Issue
from shared.visit import Visit as VisitDoc

WINDOW = timedelta(hours=24)
"""The daily quota is a rolling 24 hours (no time zone to argue about)."""


@dataclass(frozen=True)
class PhotoLimits:
    """The configured limits: one photo (PHOTO_MAX_BYTES), one visit (VISIT_MAX_PHOTOS, VISIT_MAX_PHOTO_BYTES) and
    one shopper per 24 hours (SHOPPER_DAILY_PHOTOS, SHOPPER_DAILY_PHOTO_BYTES); read at the edge, passed in."""

    photo_bytes: int
    visit_photos: int
    visit_bytes: int
    daily_photos: int
    daily_bytes: int

    @classmethod
    def from_config(cls, config: Mapping) -> PhotoLimits:
        """The limits of an app's config (the edges pass `current_app.config`)."""
        return cls(
            config["PHOTO_MAX_BYTES"],
            config["VISIT_MAX_PHOTOS"],
            config["VISIT_MAX_PHOTO_BYTES"],
            config["SHOPPER_DAILY_PHOTOS"],
            config["SHOPPER_DAILY_PHOTO_BYTES"],
        )


def size_text(count: int) -> str:
    """Bytes as people read them: '950 bytes', '3.4 MB'."""
    return f"{count:,} bytes" if count < 1_000_000 else f"{count / 1e6:,.1f} MB"


def visit_budget_problem(count: int, total: int, limits: PhotoLimits) -> str | None:
    """Why a visit naming `count` photos of `total` bytes is over its budget, or None."""
    if count > limits.visit_photos:
        return f"the visit has {count} photos; the server takes at most {limits.visit_photos} per visit"
    if total > limits.visit_bytes:
        return (
            f"the visit's photos total {size_text(total)}; the server takes at most "
            f"{size_text(limits.visit_bytes)} per visit"
        )
    return None


def _daily_problem(count: int, total: int, limits: PhotoLimits, oldest: datetime | None, now: datetime) -> str | None:
    """Why `count` photos of `total` bytes in 24 hours are over the shopper's quota, or None."""
    if count <= limits.daily_photos and total <= limits.daily_bytes:
        return None
    allowance = f"{limits.daily_photos} photos or {size_text(limits.daily_bytes)}"
    when = f"; try again after {(oldest + WINDOW):%H:%M} UTC" if oldest is not None and oldest + WINDOW > now else ""
    return f"this would take your photos of the last 24 hours over the daily allowance of {allowance}{when}"


@dataclass(frozen=True)
class DailyPhotos:
    """Photos named by a shopper's visits submitted in the last 24 hours: how many, their bytes, the oldest visit's time."""

    count: int
    bytes: int
    oldest: datetime | None

    def plus(self, doc: VisitDoc, submitted_at: datetime) -> DailyPhotos:
        """These photos and those of a visit just stored (a push checks its next visit against both)."""
        oldest = submitted_at if self.oldest is None else min(self.oldest, submitted_at)
        return DailyPhotos(self.count + len(doc.photos), self.bytes + sum(p.size for p in doc.photos), oldest)


def daily_photos(session: DbSession, shopper_id: int, now: datetime, *, besides: object = None) -> DailyPhotos:
    """Photos named by the shopper's visits submitted in the window, `besides` one visit (a correction replaces its own)."""
    params = {"shopper": shopper_id, "since": now - WINDOW}
    query = DAILY_PHOTOS if besides is None else DAILY_PHOTOS_BESIDES
    if besides is not None:
        params["besides"] = besides
    sent, sent_bytes, oldest = connection_after_flush(session).execute(query, params).one()
    return DailyPhotos(sent, sent_bytes, oldest)


def manifest_budget_issues(
    session: DbSession, shopper: User, doc: VisitDoc, limits: PhotoLimits, sent: DailyPhotos | None = None
) -> list[Issue]:
    """The pushed visit's manifest against the visit budget and the shopper's daily quota (issues under `photos`).

    `sent`: the shopper's photos of the window when the caller already has them (a push reads them once per batch).
    """
    if not doc.photos:
        return []
    now = utcnow()
    count, total = len(doc.photos), sum(p.size for p in doc.photos)
    problem = visit_budget_problem(count, total, limits)
    if problem is None:
        if sent is None:
            sent = daily_photos(session, shopper.id, now, besides=doc.id)
        problem = _daily_problem(sent.count + count, sent.bytes + total, limits, sent.oldest, now)
    return [Issue("photos", problem)] if problem else []


def check_upload_budget(session: DbSession, shopper: User, visit: Visit, photo: Photo, limits: PhotoLimits) -> None:
    """Before a chunk is read: the visit's photos within its budget (else 413), the shopper's quota (else 429)."""
    now = utcnow()
    count, total = session.execute(
        select(func.count(Photo.id), func.coalesce(func.sum(Photo.size), 0)).where(Photo.visit_id == visit.id)
    ).one()
    problem = visit_budget_problem(count, total, limits)
    if problem:
        raise PhotoTooLarge(f"Not stored: {problem}.", errors={"photos": [problem]})
    done, done_bytes, oldest = session.execute(
        select(func.count(Photo.id), func.coalesce(func.sum(Photo.size), 0), func.min(Photo.completed_at))
        .join(Visit, Visit.id == Photo.visit_id)
        .where(Visit.shopper_id == shopper.id, Photo.completed_at >= now - WINDOW)
    ).one()
    problem = _daily_problem(done + 1, done_bytes + photo.size, limits, oldest, now)
    if problem:
        wait = int((oldest + WINDOW - now).total_seconds()) + 1 if oldest is not None else int(WINDOW.total_seconds())
        raise QuotaExceeded(f"Not stored: {problem}.", retry_after=max(60, wait), errors={"photos": [problem]})
