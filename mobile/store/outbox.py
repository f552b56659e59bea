"""Per-visit sync state written by the sync engine: push answers, refusals, photo upload progress, server state."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .db import Database
from .models import LocalPhoto, VisitState, to_text, utcnow
from .rows import visit_row


@dataclass(frozen=True)
class QueuedVisit:
    """A finished visit waiting to be pushed: its frozen document, exactly as it will be sent."""

    id: str
    document: dict[str, Any]
    size: int


def queued(db: Database, account_id: int) -> list[QueuedVisit]:
    """Every visit in the outbox, oldest first."""
    rows = db.query(
        "SELECT id, document FROM visits WHERE account_id = ? AND state = 'outbox' ORDER BY queued_at, id",
        (account_id,),
    )
    return [QueuedVisit(r["id"], json.loads(r["document"]), len(r["document"].encode("utf-8"))) for r in rows]


def record_push_result(
    db: Database, account_id: int, visit_id: str, result: Mapping[str, Any], pushed: Mapping[str, Any] | None = None
) -> VisitState | None:
    """Store the server's answer for one pushed visit; only created/unchanged make it sent. Returns the new state."""
    outcome = result.get("result")
    now = to_text(utcnow())
    with db.transaction(durable=True) as conn:
        row = visit_row(conn, account_id, visit_id)
        if row["state"] != VisitState.OUTBOX or (pushed is not None and json.loads(row["document"]) != pushed):
            if outcome in ("created", "unchanged"):  # edited meanwhile: keep the phone's copy, note what the server has
                conn.execute(
                    "UPDATE visits SET server_revision = ?, server_status = ?, server_checked_at = ? "
                    "WHERE account_id = ? AND id = ?",
                    (result.get("revision"), result.get("status"), now, account_id, visit_id),
                )
            return None
        if outcome in ("created", "unchanged"):
            missing = {str(p) for p in result.get("missing_photos") or []}
            listed = json.dumps(sorted(missing))
            conn.execute(
                "UPDATE photos SET uploaded = 1, uploaded_bytes = size WHERE account_id = ? AND visit_id = ? "
                "AND id NOT IN (SELECT value FROM json_each(?))",
                (account_id, visit_id, listed),
            )
            conn.execute(
                "UPDATE photos SET uploaded = 0 WHERE account_id = ? AND visit_id = ? "
                "AND id IN (SELECT value FROM json_each(?))",
                (account_id, visit_id, listed),
            )
            state = VisitState.AWAITING_PHOTOS if missing else VisitState.SENT
            conn.execute(
                """UPDATE visits SET state = ?, sent_at = ?, last_error = NULL, field_errors = NULL,
                   server_revision = ?, server_status = ?, server_missing_photos = ?, server_checked_at = ?
                   WHERE account_id = ? AND id = ?""",
                (
                    state,
                    now,
                    result.get("revision"),
                    result.get("status"),
                    json.dumps(sorted(missing)),
                    now,
                    account_id,
                    visit_id,
                ),
            )
            return state
        if outcome == "conflict":
            message = result.get("message") or "the server already holds different content for this visit"
            state, errors = VisitState.CONFLICT, None
        elif outcome == "invalid":
            message = result.get("message") or "the server refused this visit"
            state, errors = VisitState.INVALID, result.get("errors")
        else:
            message, state, errors = f"the server answered {outcome!r} for this visit", VisitState.ERROR, None
        conn.execute(
            "UPDATE visits SET state = ?, last_error = ?, field_errors = ? WHERE account_id = ? AND id = ?",
            (state, message, None if not errors else json.dumps(errors), account_id, visit_id),
        )
        return state


def mark_error(
    db: Database,
    account_id: int,
    visit_ids: Iterable[str],
    message: str,
    errors: Mapping[str, Any] | None = None,
    *,
    states: Iterable[str] = (VisitState.OUTBOX,),
) -> None:
    """A refusal that is not about one visit's content (a 4xx): the visits keep everything, marked with why."""
    allowed = list(states)
    with db.transaction() as conn:
        for visit_id in visit_ids:
            conn.execute(
                f"""UPDATE visits SET state = 'error', last_error = ?, field_errors = ? WHERE account_id = ? AND id = ?
                    AND state IN ({",".join("?" * len(allowed))})""",
                (message, json.dumps(dict(errors)) if errors else None, account_id, visit_id, *allowed),
            )


def note_problem(db: Database, account_id: int, visit_id: str, message: str | None) -> None:
    """Show a message on a visit without changing its state (a photo that failed for now)."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE visits SET last_error = ? WHERE account_id = ? AND id = ?", (message, account_id, visit_id)
        )


def photos_to_upload(db: Database, account_id: int) -> list[LocalPhoto]:
    """Photos of visits the server holds whose bytes it still lacks, oldest visit first."""
    rows = db.query(
        """SELECT p.* FROM photos p JOIN visits v ON v.account_id = p.account_id AND v.id = p.visit_id
           WHERE p.account_id = ? AND v.state = 'awaiting_photos' AND p.uploaded = 0
           ORDER BY v.sent_at, p.taken_at, p.id""",
        (account_id,),
    )
    return [LocalPhoto.from_row(r) for r in rows]


def set_photo_offset(db: Database, account_id: int, photo_id: str, received: int) -> None:
    """Bytes of a photo the server has acknowledged (upload progress, shown by the UI)."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE photos SET uploaded_bytes = ? WHERE account_id = ? AND id = ?", (received, account_id, photo_id)
        )


def mark_photo_uploaded(db: Database, account_id: int, photo_id: str, visit_status: str | None) -> VisitState | None:
    """The server has the whole photo; when the visit's last photo arrives the visit is sent. Returns its state."""
    with db.transaction(durable=True) as conn:
        row = conn.execute(
            "SELECT visit_id FROM photos WHERE account_id = ? AND id = ?", (account_id, photo_id)
        ).fetchone()
        if row is None:
            return None
        visit_id = row["visit_id"]
        conn.execute(
            "UPDATE photos SET uploaded = 1, uploaded_bytes = size WHERE account_id = ? AND id = ?",
            (account_id, photo_id),
        )
        left = conn.execute(
            "SELECT id FROM photos WHERE account_id = ? AND visit_id = ? AND uploaded = 0", (account_id, visit_id)
        ).fetchall()
        _set_missing(conn, account_id, visit_id, [r["id"] for r in left], visit_status)
        return VisitState(visit_row(conn, account_id, visit_id)["state"])


def _set_missing(
    conn: sqlite3.Connection, account_id: int, visit_id: str, missing: list[str], status: str | None
) -> None:
    """Update what the server still lacks; an awaiting_photos visit with nothing missing becomes sent."""
    conn.execute(
        "UPDATE visits SET server_missing_photos = ?, server_status = coalesce(?, server_status), "
        "last_error = NULL WHERE account_id = ? AND id = ?",
        (json.dumps(missing), status, account_id, visit_id),
    )
    if not missing:
        conn.execute(
            "UPDATE visits SET state = 'sent' WHERE account_id = ? AND id = ? AND state = 'awaiting_photos'",
            (account_id, visit_id),
        )


def update_server_state(db: Database, account_id: int, visit_id: str, data: Mapping[str, Any]) -> None:
    """Store the server's record of a visit (GET /api/v1/visits/<id>): status, score, review note, missing photos."""
    with db.transaction() as conn:
        row = visit_row(conn, account_id, visit_id)
        revision = data.get("revision")
        if row["server_revision"] is not None and revision is not None and int(revision) < row["server_revision"]:
            return
        conn.execute(
            """UPDATE visits SET server_revision = coalesce(?, server_revision), server_status = ?, server_score = ?,
               review_note = ?, server_checked_at = ? WHERE account_id = ? AND id = ?""",
            (
                revision,
                data.get("status"),
                data.get("score_percent"),
                str(data.get("review_note") or ""),
                to_text(utcnow()),
                account_id,
                visit_id,
            ),
        )
        if "missing_photos" in data and row["state"] == VisitState.AWAITING_PHOTOS:
            missing = [str(p) for p in data.get("missing_photos") or []]
            _set_missing(conn, account_id, visit_id, missing, None)
        reasons = [str(p.get("reason")) for p in data.get("refused_photos") or [] if isinstance(p, dict)]
        if reasons:  # the server refused a photo (pixels, type): say why, whichever device uploaded it
            conn.execute(
                "UPDATE visits SET last_error = ? WHERE account_id = ? AND id = ?",
                ("Photo refused by the server: " + "; ".join(dict.fromkeys(reasons)), account_id, visit_id),
            )


class Outbox:
    """What the sync engine reads and writes for one account: queued visits, push answers, photo progress."""

    def __init__(self, db: Database, account_id: int, photo_folder: Path) -> None:
        self.db, self.account_id, self.photo_folder = db, account_id, photo_folder

    def queued(self) -> list[QueuedVisit]:
        """Finished visits waiting to be pushed, with their frozen documents, oldest first."""
        return queued(self.db, self.account_id)

    def record_push_result(
        self, visit_id: str, result: Mapping[str, Any], pushed: Mapping[str, Any] | None = None
    ) -> VisitState | None:
        """Store the server's per-visit answer (for the ``pushed`` document); only created/unchanged make it sent."""
        return record_push_result(self.db, self.account_id, str(visit_id), result, pushed)

    def mark_error(
        self,
        visit_ids: Iterable[str],
        message: str,
        errors: Mapping[str, Any] | None = None,
        *,
        states: Iterable[str] = (VisitState.OUTBOX,),
    ) -> None:
        """Mark visits refused with a message (and field errors); they keep everything and can be queued again."""
        mark_error(self.db, self.account_id, [str(v) for v in visit_ids], message, errors, states=states)

    def note_problem(self, visit_id: str, message: str | None) -> None:
        """Show a message on a visit without changing its state."""
        note_problem(self.db, self.account_id, str(visit_id), message)

    def photos_to_upload(self) -> list[LocalPhoto]:
        """Photos whose visit the server holds but whose bytes it still lacks."""
        return photos_to_upload(self.db, self.account_id)

    def photo_path(self, photo: LocalPhoto) -> Path | None:
        """Where a photo's file is (None when only the server holds it)."""
        return None if photo.file_name is None else self.photo_folder / photo.file_name

    def set_photo_offset(self, photo_id: str, received: int) -> None:
        """Bytes of a photo the server has acknowledged so far."""
        set_photo_offset(self.db, self.account_id, str(photo_id), received)

    def mark_photo_uploaded(self, photo_id: str, visit_status: str | None = None) -> VisitState | None:
        """The server has the whole photo; the visit is sent once its last photo is. Returns the visit's state."""
        return mark_photo_uploaded(self.db, self.account_id, str(photo_id), visit_status)

    def update_server_state(self, visit_id: str, data: Mapping[str, Any]) -> None:
        """Store the server's record of a visit (status, score, review note, missing photos)."""
        update_server_state(self.db, self.account_id, str(visit_id), data)
