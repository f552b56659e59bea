"""Read model of the visit page: the stored record, every answer with its photos, position, time on site, history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from reports.adapt import visit_rows
from server.extensions import DbSession
from server.models import Photo, User, Visit
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.checklists.versions import checklist_of
from server.services.geo import haversine_m
from server.services.photos.capture import capture_text
from server.services.reports.visit_data import current_document
from shared.schemas import load_visit
from shared.scoring import score_visit
from shared.targets import judge

FAR_M = 250
"""A visit recorded further than this from its branch is marked for a closer look."""


@dataclass(frozen=True)
class HistoryEntry:
    """One event in a visit's life: a submission (revision) or the review decision."""

    when: datetime
    what: str
    who: str
    note: str = ""


def distance_to_branch(visit: Visit) -> float | None:
    """Metres between where the visit was recorded and the branch's location; None if either is unknown."""
    branch = visit.branch
    lat1, lon1, lat2, lon2 = visit.latitude, visit.longitude, branch.latitude, branch.longitude
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return haversine_m(lat1, lon1, lat2, lon2)


def time_on_site(visit: Visit) -> timedelta | None:
    """finished - started (None when the clocks disagree)."""
    spent = visit.finished_at - visit.started_at
    return spent if spent >= timedelta(0) else None


def history(session: DbSession, visit: Visit, labels: ShopperLabels) -> list[HistoryEntry]:
    """Submissions (by the shopper, as `labels` says) and the review decision, oldest first."""
    entries = [
        HistoryEntry(
            r.submitted_at,
            f"Submitted revision {r.revision}"
            if r.base_revision is None
            else f"Resubmitted revision {r.revision} (corrects {r.base_revision})",
            labels(visit.shopper),
        )
        for r in visit.revisions
    ]
    if visit.reviewed_at is not None:
        reviewer = session.get(User, visit.reviewed_by_id) if visit.reviewed_by_id else None
        entries.append(
            HistoryEntry(visit.reviewed_at, _decision(visit), reviewer.name if reviewer else "–", visit.review_note)
        )
    return sorted(entries, key=lambda e: e.when)


def _decision(visit: Visit) -> str:
    if visit.status.value in ("submitted", "awaiting_photos"):
        return "Returned for correction"  # a resubmission followed the last decision
    return {"approved": "Approved", "rejected": "Rejected", "returned": "Returned for correction"}[visit.status.value]


def _arrival_order(photo: Photo) -> tuple[bool, datetime, str]:
    """Arrived photos first, oldest first; the id breaks ties."""
    return photo.completed_at is None, photo.completed_at or datetime.min, str(photo.id)


def question_groups(visit: Visit) -> list[tuple[str, list]]:
    """(section title, question rows) in checklist order; each row's `photos` are the arrived Photo records."""
    arrived = defaultdict(list)
    for photo in sorted(visit.photos, key=_arrival_order):
        if photo.completed_at and (photo.storage_key or photo.removed_at):
            arrived[photo.question_key].append(photo)
    checklist = checklist_of(visit.template_version)
    doc = load_visit(current_document(visit))
    score = score_visit(checklist, doc.answers, doc.photos)
    # ignore: the page's rows carry Photo records where a report's carry thumbnails; visit_rows only passes them
    # through, but reports.adapt types them as PhotoThumb (it is not generic over the photo type)
    _, rows, _ = visit_rows(checklist, score, doc.answers, arrived)  # type: ignore[arg-type]
    return [(title, list(group)) for title, group in groupby(rows, key=lambda r: r.section_title)]


def refused_photos(visit: Visit) -> list[tuple[str, str]]:
    """(question text, reason) of each missing photo whose upload the server refused (pixels, type)."""
    refused = sorted(
        (
            (p.id, p.question_key, reason)
            for p in visit.photos
            if p.completed_at is None and (reason := p.refused_reason)
        ),
        key=lambda r: r[0],
    )
    if not refused:
        return []
    texts = {q.key: q.text for q in checklist_of(visit.template_version).questions()}
    return [(texts.get(question, question), reason) for _, question, reason in refused]


def visit_view(session: DbSession, visit: Visit, labels: ShopperLabels) -> dict:
    """Everything the visit page template needs; the shopper as `labels` says (services.shopper_labels)."""
    groups = question_groups(visit)
    return {
        "visit": visit,
        "shopper": labels(visit.shopper),
        "groups": groups,
        "failures": [row for _, rows in groups for row in rows if row.critical_failure],
        "distance_m": distance_to_branch(visit),
        "far_m": FAR_M,
        "time_on_site": time_on_site(visit),
        "missing_photos": sum(1 for p in visit.photos if p.completed_at is None),
        "history": history(session, visit, labels),
        "refused_photos": refused_photos(visit),
        "capture_text": lambda photo: capture_text(photo, visit.branch),
        "verdict": judge(
            checklist_of(visit.template_version),
            visit.score_percent,
            {s.section_key: s.percent for s in visit.section_scores},
        ),
    }
