"""Drafts: starting a visit and saving every answer the moment it is given (each its own transaction)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from shared.checklist import Checklist
from shared.visit import Location

from .db import Database
from .errors import NotEditable, NotFound, StoreError
from .models import LocalVisit, VisitState, to_text, utcnow

KEEP: Any = object()
"""Default of save_answer's fields: leave that part of the answer as it is."""


def visit_row(conn: sqlite3.Connection | Database, account_id: int, visit_id: str) -> sqlite3.Row:
    """The account's visit row; NotFound for a missing id or another account's visit."""
    sql, params = "SELECT * FROM visits WHERE account_id = ? AND id = ?", (account_id, str(visit_id))
    row = conn.one(sql, params) if isinstance(conn, Database) else conn.execute(sql, params).fetchone()
    if row is None:
        raise NotFound(f"there is no visit {visit_id} on this device for this account")
    return row


def draft_row(conn: sqlite3.Connection | Database, account_id: int, visit_id: str) -> sqlite3.Row:
    """The visit row, which must still be a draft."""
    row = visit_row(conn, account_id, visit_id)
    if row["state"] != VisitState.DRAFT:
        raise NotEditable(f"visit {visit_id} is {row['state']}, no longer a draft")
    return row


def location_json(location: Location | None) -> str | None:
    """A Location as stored (the wire shape)."""
    if location is None:
        return None
    return json.dumps({"lat": location.lat, "lon": location.lon, "accuracy_m": location.accuracy_m})


def insert_draft(db: Database, account_id: int, *, branch_id: int, template_version_id: int,
                 assignment_id: str | None, location: Location | None, started_at: datetime | None) -> LocalVisit:
    """Create the visit row: its uuid4 is made now, on the device, and never changes."""
    visit_id, now = str(uuid.uuid4()), to_text(utcnow())
    with db.transaction() as conn:
        if assignment_id is not None:
            busy = conn.execute("SELECT id FROM visits WHERE account_id = ? AND assignment_id = ?",
                                (account_id, assignment_id)).fetchone()
            if busy is not None:
                raise StoreError(f"assignment {assignment_id} already has visit {busy['id']}; continue that one")
        conn.execute(
            """INSERT INTO visits (account_id, id, assignment_id, branch_id, template_version_id, started_at,
               location, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?)""",
            (account_id, visit_id, assignment_id, branch_id, template_version_id,
             to_text(started_at or utcnow()), location_json(location), now))
        return LocalVisit.from_row(visit_row(conn, account_id, visit_id))


def save_answer(db: Database, account_id: int, checklist: Checklist, visit_id: str, question_key: str, *,
                value: Any = KEEP, na: Any = KEEP, comment: Any = KEEP) -> None:
    """Merge the given parts into the question's answer and commit at once; a value clears N/A and N/A the value."""
    if not checklist.has_question(question_key):
        raise StoreError(f"there is no question {question_key!r} in this checklist")
    if value is not KEEP and value is not None and not isinstance(value, (str, int, float, bool)):
        raise TypeError("an answer value is a string, a number, a boolean or None")
    if checklist.question(question_key).type == "photo" and value not in (KEEP, None):
        raise StoreError(f"question {question_key!r} is answered with photos, not a value")
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        old = conn.execute("SELECT value, na, comment FROM answers WHERE account_id = ? AND visit_id = ? "
                           "AND question_key = ?", (account_id, visit_id, question_key)).fetchone()
        stored_value = old["value"] if old else None
        stored_na, stored_comment = (bool(old["na"]), old["comment"]) if old else (False, "")
        if value is not KEEP:
            stored_value = None if value is None else json.dumps(value)
            if value is not None:
                stored_na = False
        if na is not KEEP:
            stored_na = bool(na)
            if stored_na:
                stored_value = None
        if comment is not KEEP:
            stored_comment = str(comment or "")
        conn.execute(
            """INSERT OR REPLACE INTO answers (account_id, visit_id, question_key, value, na, comment, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (account_id, visit_id, question_key, stored_value, int(stored_na), stored_comment, to_text(utcnow())))
        touch(conn, account_id, visit_id)


def clear_answer(db: Database, account_id: int, visit_id: str, question_key: str) -> None:
    """Remove a question's answer entirely (value, N/A and comment)."""
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        conn.execute("DELETE FROM answers WHERE account_id = ? AND visit_id = ? AND question_key = ?",
                     (account_id, visit_id, question_key))
        touch(conn, account_id, visit_id)


def set_location(db: Database, account_id: int, visit_id: str, location: Location | None) -> None:
    """Record (or clear) the visit's GPS fix while it is a draft."""
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        conn.execute("UPDATE visits SET location = ? WHERE account_id = ? AND id = ?",
                     (location_json(location), account_id, visit_id))
        touch(conn, account_id, visit_id)


def discard_draft(db: Database, account_id: int, visit_id: str) -> list[str]:
    """Delete a draft that was never finished (first revision only); returns the photo file names to delete."""
    with db.transaction() as conn:
        row = draft_row(conn, account_id, visit_id)
        if row["base_revision"] is not None:
            raise NotEditable("a correction cannot be discarded: the server holds the visit")
        files = [r["file_name"] for r in conn.execute(
            "SELECT file_name FROM photos WHERE account_id = ? AND visit_id = ? AND file_name IS NOT NULL",
            (account_id, visit_id))]
        conn.execute("DELETE FROM visits WHERE account_id = ? AND id = ?", (account_id, visit_id))
    return files


def touch(conn: sqlite3.Connection, account_id: int, visit_id: str) -> None:
    """Note that the visit changed now (the UI sorts by it)."""
    conn.execute("UPDATE visits SET updated_at = ? WHERE account_id = ? AND id = ?",
                 (to_text(utcnow()), account_id, visit_id))
