"""One visit from the database as reports.data.VisitReportData: the stored record, every answer, the photos.

Answers are laid out by re-scoring the visit's current revision with the shared scoring code (the same
code that scored it), so each question gets its status; the score, sections and flags printed are the
stored record. Photos are their `thumb` renditions from the app's photo storage (made once when the
upload completed; photos stored before renditions existed get theirs here, once): a report never
decodes an original. A photo that cannot be shown prints why, and a storage failure is named in the
log, never a failed report.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import cast

from sqlalchemy.orm import object_session

from reports.adapt import visit_rows
from reports.data import GeoPoint, PhotoThumb, ReportHeader, SectionRow, VisitReportData
from server.models import Visit
from server.models.types import utcnow
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.checklists.versions import checklist_of
from server.services.photos.capture import capture_text
from server.services.photos.renditions import ensure_renditions
from server.storage import PhotoStorage, StorageError
from shared.schemas import load_visit
from shared.scoring import score_visit
from shared.targets import judge, section_pass_marks

log = logging.getLogger(__name__)


def current_document(visit: Visit) -> dict:
    """The document of the visit's current revision."""
    return next(r.document for r in visit.revisions if r.revision == visit.revision)


def _photos(visit: Visit, storage: PhotoStorage | None) -> dict[str, list[PhotoThumb]]:
    """Question key -> thumbnails of the photos that have arrived, oldest first."""
    thumbs: dict[str, list[PhotoThumb]] = defaultdict(list)
    arrived = sorted(
        (p for p in visit.photos if p.completed_at and (p.storage_key or p.removed_at)),
        key=lambda p: cast(datetime, p.completed_at),
    )  # every one kept has arrived
    session = object_session(visit)
    for photo in arrived:
        if storage is None:
            break
        if photo.removed_at is not None:
            thumbs[photo.question_key].append(PhotoThumb(image=b"", missing="deleted after the retention period"))
            continue
        if session is None or not ensure_renditions(session, storage, photo):
            thumbs[photo.question_key].append(PhotoThumb(image=b"", missing=photo.refused_reason or "not ready yet"))
            continue
        assert photo.thumb_key is not None  # ensure_renditions said yes: the thumb is stored
        try:
            with storage.open(photo.thumb_key) as stream:
                image = stream.read()
        except (StorageError, OSError) as exc:
            log.warning("visit %s: photo %s left out of the report: %s", visit.id, photo.id, exc)
            continue
        thumbs[photo.question_key].append(PhotoThumb(image=image, caption=capture_text(photo, visit.branch)))
    missing = len(visit.photos) - len(arrived)
    if missing:
        log.info("visit %s: %d photo(s) have not arrived yet", visit.id, missing)
    return thumbs


def visit_report_data(visit: Visit, storage: PhotoStorage | None, *, labels: ShopperLabels) -> VisitReportData:
    """Everything the one-visit PDF shows, for a visit the caller may see (the shopper as `labels` says)."""
    version, branch = visit.template_version, visit.branch
    checklist = checklist_of(version)
    doc = load_visit(current_document(visit))
    _, questions, failures = visit_rows(
        checklist, score_visit(checklist, doc.answers, doc.photos), doc.answers, _photos(visit, storage)
    )
    verdict = judge(checklist, visit.score_percent, {s.section_key: s.percent for s in visit.section_scores})
    marks = section_pass_marks(checklist)
    sections = [
        SectionRow(
            title=s.title,
            percent=s.percent,
            earned=s.earned,
            possible=s.possible,
            pass_mark=None if marks.get(s.section_key) is None else float(marks[s.section_key]),
            below_target=s.section_key in verdict.sections_below,
        )
        for s in visit.section_scores
    ]
    day = visit.finished_at.date()
    header = ReportHeader(
        title="Visit report",
        subtitle=f"{branch.name} · {day.isoformat()}",
        generated_at=utcnow(),
        filters={
            "Region": branch.region.name,
            "Branch": f"{branch.code} {branch.name}",
            "Checklist": f"{version.template.name} (version {version.number})",
            "Visit": str(visit.id),
        },
    )
    location = None
    if visit.latitude is not None and visit.longitude is not None:
        location = GeoPoint(latitude=visit.latitude, longitude=visit.longitude, accuracy_m=visit.accuracy_m)
    return VisitReportData(
        header=header,
        branch_name=branch.name,
        branch_code=branch.code,
        region_name=branch.region.name,
        visit_date=day,
        shopper=labels(visit.shopper),
        template_title=checklist.title,
        version_number=version.number,
        status=visit.status.value,
        score=visit.score_percent,
        flagged=visit.flagged,
        zeroed=visit.zeroed,
        critical_failures=failures,
        sections=sections,
        questions=questions,
        started_at=visit.started_at,
        finished_at=visit.finished_at,
        location=location,
        visit_id=str(visit.id),
        review_note=visit.review_note or "",
        not_completed=visit.not_completed or "",
        pass_mark=None if verdict.pass_mark is None else float(verdict.pass_mark),
        below_target=verdict.below_target,
    )
