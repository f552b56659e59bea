"""One account's view of the store (what screens read and write); every query filters by account, so users never mix."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.answers import validate_visit
from shared.checklist import Checklist
from shared.errors import Issue, VisitInvalid
from shared.scoring import VisitScore, score_visit
from shared.validation import load_checklist
from shared.visit import Location

from . import accounts, drafts, finishing, pulled, visit_photos
from .db import Database
from .documents import canonical, frozen_document, ordered_answers, photo_refs, raw_document, read_answers, read_photos
from .errors import NotFound, StoreError
from .models import (Account, Assignment, Branch, FinishResult, LocalAnswer, LocalPhoto, LocalVisit,
                     TemplateVersion, VisitState)
from .sync_side import SyncSide


class AccountStore(SyncSide):
    """Reads and writes for one account; obtain it with LocalStore.for_account(account_id)."""

    def __init__(self, db: Database, account_id: int, photo_folder: Path) -> None:
        self.db, self.account_id, self.photo_folder = db, account_id, photo_folder
        self._checklists: dict[int, Checklist] = {}
        self._cache_lock = threading.Lock()

    @property
    def account(self) -> Account:
        """The account as stored now (token, cursor, needs_login...)."""
        return accounts.get_account(self.db, self.account_id)

    # -- pulled data ---------------------------------------------------------------------------------------------
    def template_versions(self, *, include_removed: bool = False) -> list[TemplateVersion]:
        """Checklist versions on the phone, by template and number."""
        sql = "SELECT * FROM template_versions WHERE account_id = ?"
        sql += "" if include_removed else " AND tombstoned = 0"
        return [TemplateVersion.from_row(r) for r in self.db.query(sql + " ORDER BY template_id, number",
                                                                   (self.account_id,))]

    def template_version(self, version_id: int) -> TemplateVersion:
        """One version (also a withdrawn one a visit still needs)."""
        row = self.db.one("SELECT * FROM template_versions WHERE account_id = ? AND id = ?",
                          (self.account_id, version_id))
        if row is None:
            raise NotFound(f"checklist version {version_id} is not on this device; sync first")
        return TemplateVersion.from_row(row)

    def checklist(self, version_id: int) -> Checklist:
        """The shared Checklist of a version, loaded once (versions never change)."""
        with self._cache_lock:
            if version_id not in self._checklists:
                self._checklists[version_id] = load_checklist(self.template_version(version_id).definition)
            return self._checklists[version_id]

    def branches(self, *, include_removed: bool = False) -> list[Branch]:
        """Branches the user may visit, by code."""
        sql = "SELECT * FROM branches WHERE account_id = ?" + ("" if include_removed else " AND tombstoned = 0")
        return [Branch.from_row(r) for r in self.db.query(sql + " ORDER BY code", (self.account_id,))]

    def branch(self, branch_id: int) -> Branch:
        """One branch (also a withdrawn one a visit still needs)."""
        row = self.db.one("SELECT * FROM branches WHERE account_id = ? AND id = ?", (self.account_id, branch_id))
        if row is None:
            raise NotFound(f"branch {branch_id} is not on this device; sync first")
        return Branch.from_row(row)

    def assignments(self, *, statuses: Sequence[str] | None = ("open",),
                    include_removed: bool = False) -> list[Assignment]:
        """The user's assignments (open ones by default), soonest due first."""
        sql, params = "SELECT * FROM assignments WHERE account_id = ?", [self.account_id]
        if not include_removed:
            sql += " AND tombstoned = 0"
        if statuses is not None:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params += list(statuses)
        return [Assignment.from_row(r) for r in self.db.query(sql + " ORDER BY due_to, due_from, id", params)]

    def assignment(self, assignment_id: str) -> Assignment:
        """One assignment (also a withdrawn one an unsent visit still needs)."""
        row = self.db.one("SELECT * FROM assignments WHERE account_id = ? AND id = ?",
                          (self.account_id, str(assignment_id)))
        if row is None:
            raise NotFound(f"assignment {assignment_id} is not on this device")
        return Assignment.from_row(row)

    # -- visits: reading -----------------------------------------------------------------------------------------
    def visits(self, states: Sequence[str] | None = None) -> list[LocalVisit]:
        """The account's visits (optionally in some states), most recently changed first."""
        sql, params = "SELECT * FROM visits WHERE account_id = ?", [self.account_id]
        if states is not None:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            params += [str(s) for s in states]
        return [LocalVisit.from_row(r) for r in self.db.query(sql + " ORDER BY updated_at DESC, id", params)]

    def visit(self, visit_id: str) -> LocalVisit:
        """One visit of this account (NotFound for another account's)."""
        return LocalVisit.from_row(drafts.visit_row(self.db, self.account_id, str(visit_id)))

    def visit_for_assignment(self, assignment_id: str) -> LocalVisit | None:
        """The visit started for an assignment, if any (to continue it rather than start another)."""
        row = self.db.one("SELECT * FROM visits WHERE account_id = ? AND assignment_id = ?",
                          (self.account_id, str(assignment_id)))
        return None if row is None else LocalVisit.from_row(row)

    def answers(self, visit_id: str) -> dict[str, LocalAnswer]:
        """The visit's saved answers by question key."""
        with self.db.transaction() as conn:
            drafts.visit_row(conn, self.account_id, str(visit_id))
            return {a.question: a for a in read_answers(conn, self.account_id, str(visit_id))}

    def photos(self, visit_id: str, question_key: str | None = None) -> list[LocalPhoto]:
        """The visit's photos in capture order (optionally one question's)."""
        return visit_photos.list_photos(self.db, self.account_id, visit_id, question_key)

    def photo_path(self, photo: LocalPhoto) -> Path | None:
        """Where a photo's file is (None when only the server holds it)."""
        return None if photo.file_name is None else self.photo_folder / photo.file_name

    def state_counts(self) -> dict[VisitState, int]:
        """How many visits are in each sync state (badges: 2 in the outbox, 1 awaiting photos...)."""
        rows = self.db.query("SELECT state, COUNT(*) AS n FROM visits WHERE account_id = ? GROUP BY state",
                             (self.account_id,))
        return {VisitState(r["state"]): r["n"] for r in rows}

    # -- visits: writing -----------------------------------------------------------------------------------------
    def start_visit(self, assignment_id: str | None = None, *, branch_id: int | None = None,
                    template_version_id: int | None = None, location: Location | None = None,
                    started_at: datetime | None = None) -> LocalVisit:
        """Start a visit for an assignment, or ad hoc at (branch, template version); the visit id is made now."""
        if assignment_id is not None:
            assignment = self.assignment(assignment_id)
            if assignment.removed or assignment.status != "open":
                raise StoreError(f"assignment {assignment_id} is no longer open")
            if assignment.template_version_id is None:
                raise StoreError("the checklist of this assignment is not on the phone yet; sync first")
            branch_id, template_version_id = assignment.branch_id, assignment.template_version_id
        elif branch_id is None or template_version_id is None:
            raise StoreError("start a visit with an assignment, or with a branch and a checklist version")
        elif not self.template_version(template_version_id).allow_adhoc:
            raise StoreError("this checklist does not allow visits without an assignment")
        self.branch(branch_id)
        self.checklist(template_version_id)
        return drafts.insert_draft(self.db, self.account_id, branch_id=branch_id,
                                   template_version_id=template_version_id,
                                   assignment_id=None if assignment_id is None else str(assignment_id),
                                   location=location, started_at=started_at)

    def save_answer(self, visit_id: str, question_key: str, *, value: Any = drafts.KEEP, na: Any = drafts.KEEP,
                    comment: Any = drafts.KEEP) -> None:
        """Save (merge) one answer at once, in its own transaction: a killed app keeps it."""
        drafts.save_answer(self.db, self.account_id, self._checklist_of(visit_id), str(visit_id), question_key,
                           value=value, na=na, comment=comment)

    def clear_answer(self, visit_id: str, question_key: str) -> None:
        """Remove a question's answer (value, N/A and comment)."""
        drafts.clear_answer(self.db, self.account_id, str(visit_id), question_key)

    def set_location(self, visit_id: str, location: Location | None) -> None:
        """Record the GPS fix of a draft when it arrives."""
        drafts.set_location(self.db, self.account_id, str(visit_id), location)

    def add_photo(self, visit_id: str, question_key: str, source_path: Path | str, *, photo_id: str | None = None,
                  taken_at: datetime | None = None) -> LocalPhoto:
        """Copy a captured image into the store (sha256, size, type from its magic bytes) and attach it."""
        return visit_photos.add_photo(self.db, self.account_id, self._checklist_of(visit_id), self.photo_folder,
                                      str(visit_id), question_key, source_path, photo_id=photo_id, taken_at=taken_at)

    def remove_photo(self, photo_id: str) -> None:
        """Take a photo off a draft and delete its file."""
        visit_photos.remove_photo(self.db, self.account_id, self.photo_folder, str(photo_id))

    def discard_visit(self, visit_id: str) -> None:
        """Delete a draft that was never sent, with its photo files."""
        for name in drafts.discard_draft(self.db, self.account_id, str(visit_id)):
            (self.photo_folder / name).unlink(missing_ok=True)

    def visit_document(self, visit_id: str, finished_at: datetime | None = None) -> dict[str, Any]:
        """The completed-visit JSON, canonical via shared.schemas.load_visit (frozen once finished; drafts end now)."""
        with self.db.transaction() as conn:
            row = drafts.visit_row(conn, self.account_id, str(visit_id))
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
            drafts.visit_row(conn, self.account_id, str(visit_id))
            answers = ordered_answers(checklist, read_answers(conn, self.account_id, str(visit_id)))
            photos = photo_refs(read_photos(conn, self.account_id, str(visit_id)))
        return score_visit(checklist, answers, photos)

    def finish_visit(self, visit_id: str, location: Location | None = None,
                     finished_at: datetime | None = None) -> FinishResult:
        """Validate with shared; if complete, freeze the document and queue it (durable commit); else the issues."""
        return finishing.finish_visit(self.db, self.account_id, self._checklist_of(visit_id), str(visit_id),
                                      location, finished_at)

    def edit_again(self, visit_id: str) -> None:
        """Turn a queued or refused visit back into a draft to fix it."""
        finishing.edit_again(self.db, self.account_id, str(visit_id))

    def requeue(self, visit_id: str) -> None:
        """Queue a refused visit again unchanged (after the cause was fixed on the server)."""
        finishing.requeue(self.db, self.account_id, str(visit_id))

    def reopen_for_correction(self, visit_id: str) -> LocalVisit:
        """Make a returned visit a draft again: same id, base_revision = the server's revision."""
        finishing.reopen_for_correction(self.db, self.account_id, str(visit_id))
        return self.visit(visit_id)

    def _checklist_of(self, visit_id: str) -> Checklist:
        return self.checklist(self.visit(visit_id).template_version_id)

    # -- pulled pages --------------------------------------------------------------------------------------------
    def apply_changes(self, changes: Sequence[Mapping[str, Any]], cursor: str | None, *, reset: bool = False,
                      snapshot_complete: bool = False) -> int:
        """Store a pulled page and its new cursor in one transaction (BadChange: nothing stored, cursor kept).

        `reset` / `snapshot_complete`: the page starts / ends a snapshot (see store/pulled.py).
        """
        with self._cache_lock:
            self._checklists.clear()
        return pulled.apply_page(self.db, self.account_id, changes, cursor, reset=reset,
                                 snapshot_complete=snapshot_complete)


