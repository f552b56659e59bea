"""Drafts: starting a visit and saving every answer the moment it is given (each its own transaction); Drafts
is one account's view of its visits."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.answers import validate_visit
from shared.checklist import Checklist
from shared.errors import Issue, VisitInvalid
from shared.question_types import takes_photos
from shared.scoring import VisitScore, score_visit
from shared.visit import Location, Outcome

from . import finishing, visit_photos
from .db import Database
from .documents import canonical, frozen_document, ordered_answers, photo_refs, raw_document, read_answers, read_photos
from .errors import NotEditable, StoreError
from .models import FinishResult, LocalAnswer, LocalPhoto, LocalVisit, VisitState, to_text, utcnow
from .pulled import Pulled
from .rows import draft_row, location_json, touch, visit_row

NEWEST_FIRST = " ORDER BY julianday(coalesce(finished_at, started_at)) DESC, id"
"""Visits by their own date, newest first (julianday: times are ISO text, from the phone or as the server sent them)."""

KEEP: Any = object()
"""Default of save_answer's fields: leave that part of the answer as it is."""


def insert_draft(
    db: Database,
    account_id: int,
    *,
    branch_id: int,
    template_version_id: int,
    assignment_id: str | None,
    location: Location | None,
    started_at: datetime | None,
) -> LocalVisit:
    """Create the visit row: its uuid4 is made now, on the device, and never changes."""
    visit_id, now = str(uuid.uuid4()), to_text(utcnow())
    with db.transaction() as conn:
        if assignment_id is not None:
            busy = conn.execute(
                "SELECT id FROM visits WHERE account_id = ? AND assignment_id = ?", (account_id, assignment_id)
            ).fetchone()
            if busy is not None:
                raise StoreError(f"assignment {assignment_id} already has visit {busy['id']}; continue that one")
        conn.execute(
            """INSERT INTO visits (account_id, id, assignment_id, branch_id, template_version_id, started_at,
               location, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?)""",
            (
                account_id,
                visit_id,
                assignment_id,
                branch_id,
                template_version_id,
                to_text(started_at or utcnow()),
                location_json(location),
                now,
            ),
        )
        return LocalVisit.from_row(visit_row(conn, account_id, visit_id))


def save_answer(
    db: Database,
    account_id: int,
    checklist: Checklist,
    visit_id: str,
    question_key: str,
    *,
    value: Any = KEEP,
    na: Any = KEEP,
    comment: Any = KEEP,
) -> None:
    """Merge the given parts into the question's answer and commit at once; a value clears N/A and N/A the value."""
    if not checklist.has_question(question_key):
        raise StoreError(f"there is no question {question_key!r} in this checklist")
    if value is not KEEP and value is not None and not isinstance(value, (str, int, float, bool)):
        raise TypeError("an answer value is a string, a number, a boolean or None")
    if takes_photos(checklist.question(question_key).type) and value not in (KEEP, None):
        raise StoreError(f"question {question_key!r} is answered with photos, not a value")
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        old = conn.execute(
            "SELECT value, na, comment FROM answers WHERE account_id = ? AND visit_id = ? AND question_key = ?",
            (account_id, visit_id, question_key),
        ).fetchone()
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
            (account_id, visit_id, question_key, stored_value, int(stored_na), stored_comment, to_text(utcnow())),
        )
        touch(conn, account_id, visit_id)


def clear_answer(db: Database, account_id: int, visit_id: str, question_key: str) -> None:
    """Remove a question's answer entirely (value, N/A and comment)."""
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        conn.execute(
            "DELETE FROM answers WHERE account_id = ? AND visit_id = ? AND question_key = ?",
            (account_id, visit_id, question_key),
        )
        touch(conn, account_id, visit_id)


def set_location(db: Database, account_id: int, visit_id: str, location: Location | None) -> None:
    """Record (or clear) the visit's GPS fix while it is a draft."""
    with db.transaction() as conn:
        draft_row(conn, account_id, visit_id)
        conn.execute(
            "UPDATE visits SET location = ? WHERE account_id = ? AND id = ?",
            (location_json(location), account_id, visit_id),
        )
        touch(conn, account_id, visit_id)


def discard_draft(db: Database, account_id: int, visit_id: str) -> list[str]:
    """Delete a draft that was never finished (first revision only); returns the photo file names to delete."""
    with db.transaction() as conn:
        row = draft_row(conn, account_id, visit_id)
        if row["base_revision"] is not None:
            raise NotEditable("a correction cannot be discarded: the server holds the visit")
        files = [
            r["file_name"]
            for r in conn.execute(
                "SELECT file_name FROM photos WHERE account_id = ? AND visit_id = ? AND file_name IS NOT NULL",
                (account_id, visit_id),
            )
        ]
        conn.execute("DELETE FROM visits WHERE account_id = ? AND id = ?", (account_id, visit_id))
    return files


class Drafts:
    """One account's visits on the phone: read them, start and answer drafts, finish them into the outbox."""

    def __init__(self, db: Database, account_id: int, photo_folder: Path, pulled: Pulled) -> None:
        self.db, self.account_id, self.photo_folder, self.pulled = db, account_id, photo_folder, pulled

    # -- reading -------------------------------------------------------------------------------------------------
    def visits(self, states: Sequence[str] | None = None) -> list[LocalVisit]:
        """The account's visits (optionally in some states), all of them, newest visit first (finished, else
        started; the shopper's order, whatever was changed or pulled last)."""
        sql = "SELECT * FROM visits WHERE account_id = ?"
        params: list[object] = [self.account_id]
        if states is not None:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            params += [str(s) for s in states]
        return [LocalVisit.from_row(r) for r in self.db.query(sql + NEWEST_FIRST, params)]

    def needing_correction(self) -> list[LocalVisit]:
        """Visits the shopper must act on, newest first: returned by the reviewer, or refused by the server."""
        sql = """SELECT * FROM visits WHERE account_id = ?
                 AND (state IN ('invalid', 'error') OR (state = 'sent' AND server_status = 'returned'))"""
        return [LocalVisit.from_row(r) for r in self.db.query(sql + NEWEST_FIRST, (self.account_id,))]

    def visit(self, visit_id: str) -> LocalVisit:
        """One visit of this account (NotFound for another account's)."""
        return LocalVisit.from_row(visit_row(self.db, self.account_id, str(visit_id)))

    def visit_for_assignment(self, assignment_id: str) -> LocalVisit | None:
        """The visit started for an assignment, if any (to continue it rather than start another)."""
        row = self.db.one(
            "SELECT * FROM visits WHERE account_id = ? AND assignment_id = ?", (self.account_id, str(assignment_id))
        )
        return None if row is None else LocalVisit.from_row(row)

    def answers(self, visit_id: str) -> dict[str, LocalAnswer]:
        """The visit's saved answers by question key."""
        with self.db.transaction() as conn:
            visit_row(conn, self.account_id, str(visit_id))
            return {a.question: a for a in read_answers(conn, self.account_id, str(visit_id))}

    def photos(self, visit_id: str, question_key: str | None = None) -> list[LocalPhoto]:
        """The visit's photos in capture order (optionally one question's)."""
        return visit_photos.list_photos(self.db, self.account_id, visit_id, question_key)

    def photo_path(self, photo: LocalPhoto) -> Path | None:
        """Where a photo's file is (None when only the server holds it)."""
        return None if photo.file_name is None else self.photo_folder / photo.file_name

    def state_counts(self) -> dict[VisitState, int]:
        """How many visits are in each sync state (badges: 2 in the outbox, 1 awaiting photos...)."""
        rows = self.db.query(
            "SELECT state, COUNT(*) AS n FROM visits WHERE account_id = ? GROUP BY state", (self.account_id,)
        )
        return {VisitState(r["state"]): r["n"] for r in rows}

    # -- writing -------------------------------------------------------------------------------------------------
    def start_visit(
        self,
        assignment_id: str | None = None,
        *,
        branch_id: int | None = None,
        template_version_id: int | None = None,
        location: Location | None = None,
        started_at: datetime | None = None,
    ) -> LocalVisit:
        """Start a visit for an assignment, or ad hoc at (branch, template version); the visit id is made now."""
        if assignment_id is not None:
            assignment = self.pulled.assignment(assignment_id)
            if assignment.removed or assignment.status != "open":
                raise StoreError(f"assignment {assignment_id} is no longer open")
            if assignment.template_version_id is None:
                raise StoreError("the checklist of this assignment is not on the phone yet; sync first")
            branch_id, template_version_id = assignment.branch_id, assignment.template_version_id
        elif branch_id is None or template_version_id is None:
            raise StoreError("start a visit with an assignment, or with a branch and a checklist version")
        elif not self.pulled.template_version(template_version_id).allow_adhoc:
            raise StoreError("this checklist does not allow visits without an assignment")
        self.pulled.branch(branch_id)
        self.pulled.checklist(template_version_id)
        return insert_draft(
            self.db,
            self.account_id,
            branch_id=branch_id,
            template_version_id=template_version_id,
            assignment_id=None if assignment_id is None else str(assignment_id),
            location=location,
            started_at=started_at,
        )

    def save_answer(
        self, visit_id: str, question_key: str, *, value: Any = KEEP, na: Any = KEEP, comment: Any = KEEP
    ) -> None:
        """Save (merge) one answer at once, in its own transaction: a killed app keeps it."""
        save_answer(
            self.db,
            self.account_id,
            self._checklist_of(visit_id),
            str(visit_id),
            question_key,
            value=value,
            na=na,
            comment=comment,
        )

    def clear_answer(self, visit_id: str, question_key: str) -> None:
        """Remove a question's answer (value, N/A and comment)."""
        clear_answer(self.db, self.account_id, str(visit_id), question_key)

    def set_location(self, visit_id: str, location: Location | None) -> None:
        """Record the GPS fix of a draft when it arrives."""
        set_location(self.db, self.account_id, str(visit_id), location)

    def add_photo(
        self,
        visit_id: str,
        question_key: str,
        source_path: Path | str,
        *,
        photo_id: str | None = None,
        taken_at: datetime | None = None,
        location: Location | None = None,
    ) -> LocalPhoto:
        """Store a captured image downscaled as the checklist says (sha256, size, type of the stored file) and
        attach it with its capture time and position; takes about a second for a 12 MP photo."""
        return visit_photos.add_photo(
            self.db,
            self.account_id,
            self._checklist_of(visit_id),
            self.photo_folder,
            str(visit_id),
            question_key,
            source_path,
            photo_id=photo_id,
            taken_at=taken_at,
            location=location,
        )

    def remove_photo(self, photo_id: str) -> None:
        """Take a photo off a draft and delete its file."""
        visit_photos.remove_photo(self.db, self.account_id, self.photo_folder, str(photo_id))

    def discard_visit(self, visit_id: str) -> None:
        """Delete a draft that was never sent, with its photo files."""
        for name in discard_draft(self.db, self.account_id, str(visit_id)):
            (self.photo_folder / name).unlink(missing_ok=True)

    # -- finishing -----------------------------------------------------------------------------------------------
    def visit_document(self, visit_id: str, finished_at: datetime | None = None) -> dict[str, Any]:
        """The completed-visit JSON, canonical via shared.schemas.load_visit (frozen once finished; drafts end now)."""
        with self.db.transaction() as conn:
            row = visit_row(conn, self.account_id, str(visit_id))
            frozen = frozen_document(row)
            if frozen is not None:
                return frozen
            checklist = self._checklist_of(visit_id)
            return canonical(raw_document(conn, self.account_id, row, checklist, finished_at))[1]

    def issues(self, visit_id: str) -> list[Issue]:
        """What still stops the visit from being finished (missing required answers...), empty when none."""
        try:
            document = self.visit_document(visit_id)
        except VisitInvalid as exc:
            return list(exc.issues)
        return validate_visit(self._checklist_of(visit_id), canonical(document)[0])

    def score_preview(self, visit_id: str) -> VisitScore:
        """The visit's score as it stands, computed by shared.scoring exactly as the server will."""
        checklist = self._checklist_of(visit_id)
        with self.db.transaction() as conn:
            visit_row(conn, self.account_id, str(visit_id))
            answers = ordered_answers(checklist, read_answers(conn, self.account_id, str(visit_id)))
            photos = photo_refs(read_photos(conn, self.account_id, str(visit_id)))
        return score_visit(checklist, answers, photos)

    def finish_visit(
        self, visit_id: str, location: Location | None = None, finished_at: datetime | None = None
    ) -> FinishResult:
        """Validate with shared; if complete, freeze the document and queue it (durable commit); else the issues."""
        return finishing.finish_visit(
            self.db, self.account_id, self._checklist_of(visit_id), str(visit_id), location, finished_at
        )

    def finish_not_completed(
        self,
        visit_id: str,
        reason: str,
        comment: str = "",
        location: Location | None = None,
        finished_at: datetime | None = None,
    ) -> FinishResult:
        """Queue a draft the shopper could not complete (reason from shared.visit.NOT_COMPLETED_REASONS), keeping its
        times and GPS; its answers and photos are deleted from the phone, never sent."""
        result, files = finishing.finish_not_completed(
            self.db,
            self.account_id,
            self._checklist_of(visit_id),
            str(visit_id),
            Outcome("not_completed", reason, comment),
            location,
            finished_at,
        )
        for name in files:
            (self.photo_folder / name).unlink(missing_ok=True)
        return result

    def edit_again(self, visit_id: str) -> None:
        """Turn a queued or refused visit back into a draft to fix it (a not-completed one becomes a normal draft)."""
        finishing.edit_again(self.db, self.account_id, str(visit_id))

    def requeue(self, visit_id: str) -> None:
        """Queue a refused visit again unchanged (after the cause was fixed on the server)."""
        finishing.requeue(self.db, self.account_id, str(visit_id))

    def reopen_for_correction(self, visit_id: str) -> LocalVisit:
        """Make a returned visit a draft again: same id, base_revision = the server's revision."""
        finishing.reopen_for_correction(self.db, self.account_id, str(visit_id))
        return self.visit(visit_id)

    def _checklist_of(self, visit_id: str) -> Checklist:
        return self.pulled.checklist(self.visit(visit_id).template_version_id)
