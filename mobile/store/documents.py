"""The completed-visit JSON (docs/checklist-format.md) built from a visit's rows, checked and scored with shared."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from shared.checklist import Checklist
from shared.schemas import dump_visit, load_visit
from shared.visit import Answer, PhotoRef, Visit

from .models import LocalAnswer, LocalPhoto, from_text, loads, to_text, utcnow


def read_answers(conn: sqlite3.Connection, account_id: int, visit_id: str) -> list[LocalAnswer]:
    """The visit's saved answers (any order)."""
    rows = conn.execute("SELECT * FROM answers WHERE account_id = ? AND visit_id = ?", (account_id, visit_id))
    return [LocalAnswer.from_row(r) for r in rows]


def read_photos(conn: sqlite3.Connection, account_id: int, visit_id: str) -> list[LocalPhoto]:
    """The visit's photos in capture order."""
    rows = conn.execute(
        "SELECT * FROM photos WHERE account_id = ? AND visit_id = ? ORDER BY taken_at, id", (account_id, visit_id)
    )
    return [LocalPhoto.from_row(r) for r in rows]


def ordered_answers(checklist: Checklist, answers: list[LocalAnswer]) -> list[Answer]:
    """Answers as shared's dataclasses in checklist order, leaving out entries with nothing in them."""
    position = {q.key: i for i, q in enumerate(checklist.questions())}
    kept = [a for a in answers if a.value is not None or a.na or a.comment]
    kept.sort(key=lambda a: (position.get(a.question, len(position)), a.question))
    return [Answer(a.question, a.value, a.na, a.comment) for a in kept]


def photo_refs(photos: list[LocalPhoto]) -> list[PhotoRef]:
    """The photo manifest as shared's dataclasses."""
    return [
        PhotoRef(
            uuid.UUID(p.id),
            p.question,
            p.sha256,
            p.size,
            p.content_type,
            p.taken_at if p.capture_known else None,
            p.location,
        )
        for p in photos
    ]


def photo_entry(photo: LocalPhoto) -> dict[str, Any]:
    """A photo's manifest entry (format 2 capture fields only when known, so older entries stay format 1)."""
    entry: dict[str, Any] = {
        "id": photo.id,
        "question": photo.question,
        "sha256": photo.sha256,
        "size": photo.size,
        "content_type": photo.content_type,
    }
    if photo.capture_known:
        entry["taken_at"] = to_text(photo.taken_at)
    if photo.location is not None:
        loc = photo.location
        entry["location"] = {"lat": loc.lat, "lon": loc.lon, "accuracy_m": loc.accuracy_m}
    return entry


def raw_document(
    conn: sqlite3.Connection,
    account_id: int,
    row: sqlite3.Row,
    checklist: Checklist,
    finished_at: datetime | None = None,
) -> dict[str, Any]:
    """The visit's JSON as the rows say now; a draft gets ``finished_at`` (default: now, never before the start).
    A visit that could not be completed carries its outcome and no answers or photos."""
    started = from_text(row["started_at"])
    assert started is not None
    finished = finished_at or from_text(row["finished_at"]) or utcnow()
    outcome = loads(row["outcome"])
    answers = ordered_answers(checklist, read_answers(conn, account_id, row["id"])) if outcome is None else []
    photos = read_photos(conn, account_id, row["id"]) if outcome is None else []
    extra = {} if outcome is None else {"outcome": outcome}
    return {
        "id": row["id"],
        "template_version_id": row["template_version_id"],
        "assignment_id": row["assignment_id"],
        "branch_id": row["branch_id"],
        "started_at": to_text(started),
        "finished_at": to_text(max(finished, started)),
        "location": loads(row["location"]),
        "base_revision": row["base_revision"],
        "answers": [{"question": a.question, "value": a.value, "na": a.na, "comment": a.comment} for a in answers],
        "photos": [photo_entry(p) for p in photos],
        **extra,
    }


def canonical(raw: dict[str, Any]) -> tuple[Visit, dict[str, Any]]:
    """Load with shared (raises VisitInvalid) and dump the canonical form: what the server fingerprints."""
    visit = load_visit(raw)
    return visit, dump_visit(visit)


def frozen_document(row: sqlite3.Row) -> dict[str, Any] | None:
    """The document stored when the visit was finished (what is pushed, byte for byte, on every retry)."""
    return None if row["document"] is None else json.loads(row["document"])
