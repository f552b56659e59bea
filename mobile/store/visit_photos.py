"""A draft's photos: rows naming the file copied into the store's folder, made and removed only on drafts."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from shared.checklist import Checklist
from shared.question_types import takes_photos
from shared.visit import Location

from .db import Database
from .errors import NotFound, StoreError
from .models import LocalPhoto, to_text, utcnow
from .photofiles import copy_photo
from .rows import draft_row, location_json, touch


def add_photo(
    db: Database,
    account_id: int,
    checklist: Checklist,
    folder: Path,
    visit_id: str,
    question_key: str,
    source: Path | str,
    *,
    photo_id: str | None = None,
    taken_at: datetime | None = None,
    location: Location | None = None,
) -> LocalPhoto:
    """Store the image as it is sent (checklist's photo_settings) and record it with the capture time and position;
    the photo id is made at capture. Re-encoding a 12 MP photo takes about a second: call it off the UI thread."""
    if not checklist.has_question(question_key) or not takes_photos(checklist.question(question_key).type):
        raise StoreError(f"question {question_key!r} does not take photos")
    draft_row(db, account_id, visit_id)
    photo_id = str(uuid.UUID(str(photo_id))) if photo_id else str(uuid.uuid4())
    stored = copy_photo(source, folder, photo_id, checklist.photo_settings)
    try:
        with db.transaction() as conn:
            draft_row(conn, account_id, visit_id)
            conn.execute(
                """INSERT INTO photos (account_id, id, visit_id, question_key, file_name, sha256, size, content_type,
                   taken_at, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    account_id,
                    photo_id,
                    visit_id,
                    question_key,
                    stored.file_name,
                    stored.sha256,
                    stored.size,
                    stored.content_type,
                    to_text(taken_at or utcnow()),
                    location_json(location),
                ),
            )
            touch(conn, account_id, visit_id)
            row = conn.execute(
                "SELECT * FROM photos WHERE account_id = ? AND id = ?", (account_id, photo_id)
            ).fetchone()
    except BaseException:
        (folder / stored.file_name).unlink(missing_ok=True)
        raise
    return LocalPhoto.from_row(row)


def remove_photo(db: Database, account_id: int, folder: Path, photo_id: str) -> None:
    """Take a photo off a draft and delete its file (a photo only the server holds just leaves the manifest)."""
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT visit_id, file_name FROM photos WHERE account_id = ? AND id = ?", (account_id, str(photo_id))
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no photo {photo_id} on this device for this account")
        draft_row(conn, account_id, row["visit_id"])
        conn.execute("DELETE FROM photos WHERE account_id = ? AND id = ?", (account_id, str(photo_id)))
        touch(conn, account_id, row["visit_id"])
    if row["file_name"]:
        (folder / row["file_name"]).unlink(missing_ok=True)


def list_photos(db: Database, account_id: int, visit_id: str, question_key: str | None = None) -> list[LocalPhoto]:
    """The visit's photos in capture order, optionally only those of one question."""
    sql = "SELECT * FROM photos WHERE account_id = ? AND visit_id = ?"
    params: list[object] = [account_id, str(visit_id)]
    if question_key is not None:
        sql += " AND question_key = ?"
        params.append(question_key)
    return [LocalPhoto.from_row(r) for r in db.query(sql + " ORDER BY taken_at, id", params)]
