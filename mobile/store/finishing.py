"""Finishing a visit into the outbox (validated with shared, durably committed) and the ways back to a draft."""

from __future__ import annotations

import json
from datetime import datetime

from shared.answers import validate_visit
from shared.checklist import Checklist
from shared.errors import Issue, VisitInvalid
from shared.schemas import visit_fingerprint
from shared.visit import Location, Outcome

from .db import Database
from .documents import canonical, raw_document
from .errors import NotEditable
from .models import FinishResult, VisitState, to_text, utcnow
from .rows import draft_row, location_json, touch, visit_row


def finish_visit(
    db: Database,
    account_id: int,
    checklist: Checklist,
    visit_id: str,
    location: Location | None = None,
    finished_at: datetime | None = None,
) -> FinishResult:
    """Validate the draft; if it is complete, freeze its document and queue it (synchronous=FULL commit)."""
    with db.transaction(durable=True) as conn:
        row = draft_row(conn, account_id, visit_id)
        if location is not None:
            conn.execute(
                "UPDATE visits SET location = ? WHERE account_id = ? AND id = ?",
                (location_json(location), account_id, visit_id),
            )
            row = visit_row(conn, account_id, visit_id)
        try:
            visit, document = canonical(raw_document(conn, account_id, row, checklist, finished_at or utcnow()))
        except VisitInvalid as exc:
            return FinishResult(False, exc.issues)
        issues = validate_visit(checklist, visit)
        if issues:
            return FinishResult(False, tuple(issues))
        now = to_text(utcnow())
        conn.execute(
            """UPDATE visits SET finished_at = ?, document = ?, fingerprint = ?, state = 'outbox', queued_at = ?,
               last_error = NULL, field_errors = NULL WHERE account_id = ? AND id = ?""",
            (document["finished_at"], json.dumps(document), visit_fingerprint(visit), now, account_id, visit_id),
        )
        touch(conn, account_id, visit_id)
    return FinishResult(True)


def finish_not_completed(
    db: Database,
    account_id: int,
    checklist: Checklist,
    visit_id: str,
    outcome: Outcome,
    location: Location | None = None,
    finished_at: datetime | None = None,
) -> tuple[FinishResult, list[str]]:
    """Queue a draft the shopper could not complete, with its outcome, times and GPS but without its answers and
    photos (deleted with it: nothing of it is scored); returns the result and the photo file names to delete."""
    with db.transaction(durable=True) as conn:
        row = draft_row(conn, account_id, visit_id)
        if location is not None:
            conn.execute(
                "UPDATE visits SET location = ? WHERE account_id = ? AND id = ?",
                (location_json(location), account_id, visit_id),
            )
        stored = {"status": outcome.status, "reason": outcome.reason, "comment": outcome.comment}
        conn.execute(
            "UPDATE visits SET outcome = ? WHERE account_id = ? AND id = ?", (json.dumps(stored), account_id, visit_id)
        )
        row = visit_row(conn, account_id, visit_id)
        try:
            visit, document = canonical(raw_document(conn, account_id, row, checklist, finished_at or utcnow()))
        except VisitInvalid as exc:
            conn.execute("UPDATE visits SET outcome = NULL WHERE account_id = ? AND id = ?", (account_id, visit_id))
            return FinishResult(False, exc.issues), []
        if visit.outcome.completed:
            conn.execute("UPDATE visits SET outcome = NULL WHERE account_id = ? AND id = ?", (account_id, visit_id))
            return FinishResult(False, (Issue("outcome.status", "say why the visit could not be completed"),)), []
        files = [
            r["file_name"]
            for r in conn.execute(
                "SELECT file_name FROM photos WHERE account_id = ? AND visit_id = ? AND file_name IS NOT NULL",
                (account_id, visit_id),
            )
        ]
        conn.execute("DELETE FROM photos WHERE account_id = ? AND visit_id = ?", (account_id, visit_id))
        conn.execute("DELETE FROM answers WHERE account_id = ? AND visit_id = ?", (account_id, visit_id))
        conn.execute(
            """UPDATE visits SET finished_at = ?, document = ?, fingerprint = ?, state = 'outbox', queued_at = ?,
               last_error = NULL, field_errors = NULL WHERE account_id = ? AND id = ?""",
            (
                document["finished_at"],
                json.dumps(document),
                visit_fingerprint(visit),
                to_text(utcnow()),
                account_id,
                visit_id,
            ),
        )
        touch(conn, account_id, visit_id)
    return FinishResult(True), files


def edit_again(db: Database, account_id: int, visit_id: str) -> None:
    """Back to a draft (queued but not yet accepted, or refused as invalid/error) so the shopper can fix it."""
    with db.transaction() as conn:
        row = visit_row(conn, account_id, visit_id)
        if row["state"] not in (VisitState.OUTBOX, VisitState.INVALID, VisitState.ERROR):
            raise NotEditable(f"visit {visit_id} is {row['state']}; only queued or refused visits can be edited again")
        conn.execute(
            """UPDATE visits SET state = 'draft', document = NULL, fingerprint = NULL, finished_at = NULL,
                        queued_at = NULL, outcome = NULL WHERE account_id = ? AND id = ?""",
            (account_id, visit_id),
        )
        touch(conn, account_id, visit_id)


def requeue(db: Database, account_id: int, visit_id: str) -> None:
    """Put a refused visit (error, invalid, conflict) back in the outbox unchanged, to try again."""
    with db.transaction(durable=True) as conn:
        row = visit_row(conn, account_id, visit_id)
        if row["state"] not in (VisitState.INVALID, VisitState.ERROR, VisitState.CONFLICT):
            raise NotEditable(f"visit {visit_id} is {row['state']}; only refused visits can be queued again")
        if row["document"] is None:
            raise NotEditable(f"visit {visit_id} has no finished document; finish it first")
        conn.execute(
            "UPDATE visits SET state = 'outbox', queued_at = ? WHERE account_id = ? AND id = ?",
            (to_text(utcnow()), account_id, visit_id),
        )


def reopen_for_correction(db: Database, account_id: int, visit_id: str) -> None:
    """A returned visit becomes a draft again (same id, base_revision = server revision), seeded from its document."""
    with db.transaction() as conn:
        row = visit_row(conn, account_id, visit_id)
        if row["server_status"] != "returned" or row["state"] != VisitState.SENT or row["server_document"] is None:
            raise NotEditable(f"visit {visit_id} was not returned for correction")
        doc = json.loads(row["server_document"])
        now = to_text(utcnow())
        conn.execute("DELETE FROM answers WHERE account_id = ? AND visit_id = ?", (account_id, visit_id))
        for answer in doc.get("answers", []):
            value = answer.get("value")
            conn.execute(
                """INSERT INTO answers (account_id, visit_id, question_key, value, na, comment, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    account_id,
                    visit_id,
                    answer["question"],
                    None if value is None else json.dumps(value),
                    int(bool(answer.get("na"))),
                    answer.get("comment") or "",
                    now,
                ),
            )
        kept = {
            r["id"]
            for r in conn.execute("SELECT id FROM photos WHERE account_id = ? AND visit_id = ?", (account_id, visit_id))
        }
        manifest = {str(p["id"]) for p in doc.get("photos", [])}
        for photo_id in kept - manifest:
            conn.execute("DELETE FROM photos WHERE account_id = ? AND id = ?", (account_id, photo_id))
        for photo in doc.get("photos", []):
            if str(photo["id"]) not in kept:
                conn.execute(
                    """INSERT INTO photos (account_id, id, visit_id, question_key, file_name, sha256, size,
                                content_type, taken_at, uploaded_bytes, uploaded, location, capture_known)
                                VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 1, ?, ?)""",
                    (
                        account_id,
                        str(photo["id"]),
                        visit_id,
                        photo["question"],
                        photo["sha256"],
                        photo["size"],
                        photo["content_type"],
                        photo.get("taken_at") or now,
                        photo["size"],
                        None if photo.get("location") is None else json.dumps(photo["location"]),
                        int(photo.get("taken_at") is not None),
                    ),
                )
        conn.execute(
            """UPDATE visits SET state = 'draft', base_revision = ?, location = ?, branch_id = ?,
               template_version_id = ?, assignment_id = ?, document = NULL, fingerprint = NULL, finished_at = NULL,
               queued_at = NULL, last_error = NULL, field_errors = NULL, outcome = NULL WHERE account_id = ? AND id = ?""",
            (
                row["server_revision"],
                None if doc.get("location") is None else json.dumps(doc["location"]),
                doc["branch_id"],
                doc["template_version_id"],
                doc.get("assignment_id"),
                account_id,
                visit_id,
            ),
        )
        touch(conn, account_id, visit_id)
