"""Storing a pulled page of changes (upserts and tombstones) together with its cursor, in one transaction.

A snapshot (docs/sync-protocol.md) is a run of pages: its first (`reset`) marks every pulled row
of the account stale, each upsert clears the mark, and its last (`snapshot_complete`) turns the
rows still marked into tombstones, which go once no unsent visit needs them (the purge below).
Only pulled rows (checklist versions, branches, assignments) are marked: drafts, the outbox and
sent visits are never touched by a snapshot.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from shared.checklist import Checklist
from shared.validation import load_checklist

from .db import Database
from .errors import NotFound
from .models import Assignment, Branch, TemplateVersion, VisitState, to_text, utcnow

NEEDED_BY_VISIT = "(v.state != 'sent' OR v.server_status = 'returned')"
"""A local visit needs its assignment until it is sent (or while it may be corrected)."""

_PURGE = {  # withdrawn assignments go once no unsent visit needs them; branches and versions once no visit does
    "assignments": f"""DELETE FROM assignments WHERE account_id = :a AND tombstoned = 1 AND NOT EXISTS (
        SELECT 1 FROM visits v WHERE v.account_id = :a AND v.assignment_id = assignments.id AND {NEEDED_BY_VISIT})""",
    "branches": """DELETE FROM branches WHERE account_id = :a AND tombstoned = 1
        AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.account_id = :a AND v.branch_id = branches.id)
        AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.account_id = :a AND s.branch_id = branches.id)""",
    "template_versions": """DELETE FROM template_versions WHERE account_id = :a AND tombstoned = 1
        AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.account_id = :a AND v.template_version_id = template_versions.id)
        AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.account_id = :a
                        AND s.template_version_id = template_versions.id)""",
}
_TABLES = {"template_version": "template_versions", "branch": "branches", "assignment": "assignments"}
PULLED_TABLES = tuple(_TABLES.values())


class BadChange(ValueError):
    """The server sent a change the phone cannot store; the page is not applied and the cursor stays."""


def apply_page(
    db: Database,
    account_id: int,
    changes: Sequence[Mapping[str, Any]],
    cursor: str | None,
    *,
    reset: bool = False,
    snapshot_complete: bool = False,
) -> int:
    """Store a page of changes and advance the cursor in one transaction (all or nothing); returns how many applied.

    `reset` (a snapshot's first page) marks what the account holds stale first; `snapshot_complete`
    (its last page) withdraws what is still stale after the page is stored.
    """
    now = to_text(utcnow())
    applied = 0
    with db.transaction() as conn:
        if reset:
            for table in PULLED_TABLES:
                conn.execute(f"UPDATE {table} SET stale = 1 WHERE account_id = ?", (account_id,))
        for index, change in enumerate(changes):
            try:
                applied += _apply(conn, account_id, change, now)
            except (KeyError, TypeError, ValueError) as exc:
                raise BadChange(f"change {index + 1} of the page cannot be stored: {exc!r}") from None
        if snapshot_complete:
            for table in PULLED_TABLES:
                conn.execute(
                    f"UPDATE {table} SET tombstoned = 1, stale = 0 WHERE account_id = ? AND stale = 1", (account_id,)
                )
        for sql in _PURGE.values():
            conn.execute(sql, {"a": account_id})
        conn.execute("UPDATE accounts SET cursor = ? WHERE id = ?", (cursor, account_id))
    return applied


def purge_unneeded(db: Database, account_id: int) -> None:
    """Drop withdrawn rows once no unsent visit needs them any more (after a sync has sent the visits)."""
    with db.transaction() as conn:
        for sql in _PURGE.values():
            conn.execute(sql, {"a": account_id})


def _apply(conn: sqlite3.Connection, account_id: int, change: Mapping[str, Any], now: str) -> int:
    """Apply one change; entities the phone does not keep (regions, users...) are skipped."""
    entity, op, key = change["entity"], change["op"], change["id"]
    if op not in ("upsert", "delete"):
        raise ValueError(f"unknown op {op!r}")
    if entity == "visit":
        return _visit(conn, account_id, str(key), change.get("data") if op == "upsert" else None, now)
    table = _TABLES.get(entity)
    if table is None:
        return 0
    row_id: Any = str(key) if entity == "assignment" else int(key)
    if op == "delete":
        conn.execute(f"UPDATE {table} SET tombstoned = 1 WHERE account_id = ? AND id = ?", (account_id, row_id))
        return 1
    data = change["data"]
    if entity == "template_version":
        definition = data["definition"]
        conn.execute(
            """INSERT OR REPLACE INTO template_versions
               (account_id, id, template_id, number, title, allow_adhoc, definition, tombstoned, stale, pulled_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)""",
            (
                account_id,
                row_id,
                int(data["template_id"]),
                int(data["number"]),
                str(definition["title"]),
                int(bool(definition.get("allow_adhoc", False))),
                json.dumps(definition),
                now,
            ),
        )
    elif entity == "branch":
        region = data.get("region")
        conn.execute(
            """INSERT OR REPLACE INTO branches
               (account_id, id, code, name, address, latitude, longitude, region, tombstoned, stale, pulled_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)""",
            (
                account_id,
                row_id,
                str(data["code"]),
                str(data["name"]),
                str(data.get("address") or ""),
                data.get("latitude"),
                data.get("longitude"),
                None if region is None else json.dumps(region),
                now,
            ),
        )
    else:
        version = data.get("template_version_id")
        conn.execute(
            """INSERT OR REPLACE INTO assignments (account_id, id, branch_id, template_id, template_version_id,
               due_from, due_to, status, notes, tombstoned, stale, pulled_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)""",
            (
                account_id,
                row_id,
                int(data["branch_id"]),
                int(data["template_id"]),
                None if version is None else int(version),
                data.get("due_from"),
                data.get("due_to"),
                str(data.get("status") or "open"),
                str(data.get("notes") or ""),
                now,
            ),
        )
    return 1


def _visit(conn: sqlite3.Connection, account_id: int, visit_id: str, data: Mapping[str, Any] | None, now: str) -> int:
    """The server's state of one of the user's visits; never touches what the phone has not sent."""
    row = conn.execute(
        "SELECT state, server_revision FROM visits WHERE account_id = ? AND id = ?", (account_id, visit_id)
    ).fetchone()
    if data is None:
        if row is not None and row["state"] == VisitState.SENT:
            conn.execute("DELETE FROM visits WHERE account_id = ? AND id = ?", (account_id, visit_id))
        return 1
    revision = data.get("revision")
    if (
        row is not None
        and row["server_revision"] is not None
        and revision is not None
        and int(revision) < row["server_revision"]
    ):
        return 0  # older news than the push answer we already hold
    missing = [str(p) for p in data.get("missing_photos") or []]
    document = data.get("document")
    server = (
        revision,
        data.get("status"),
        data.get("score_percent"),
        str(data.get("review_note") or ""),
        json.dumps(missing),
        None if document is None else json.dumps(document),
        now,
    )
    if row is not None:
        conn.execute(
            """UPDATE visits SET server_revision = ?, server_status = ?, server_score = ?, review_note = ?,
               server_missing_photos = ?, server_document = coalesce(?, server_document), server_checked_at = ?
               WHERE account_id = ? AND id = ?""",
            (*server, account_id, visit_id),
        )
        if row["state"] == VisitState.AWAITING_PHOTOS and not missing and data.get("status") != "awaiting_photos":
            conn.execute("UPDATE visits SET state = 'sent' WHERE account_id = ? AND id = ?", (account_id, visit_id))
        return 1
    if document is None:
        return 0  # nothing to show or correct without the document
    location = document.get("location")
    conn.execute(
        """INSERT INTO visits (account_id, id, assignment_id, branch_id, template_version_id, started_at, finished_at,
           location, base_revision, state, updated_at, server_revision, server_status, server_score, review_note,
           server_missing_photos, server_document, server_checked_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            account_id,
            visit_id,
            document.get("assignment_id"),
            int(document["branch_id"]),
            int(document["template_version_id"]),
            document["started_at"],
            document.get("finished_at"),
            None if location is None else json.dumps(location),
            document.get("base_revision"),
            now,
            *server,
        ),
    )
    return 1


class Pulled:
    """One account's pulled data (checklist versions, branches, assignments) and the pages that bring it."""

    def __init__(self, db: Database, account_id: int) -> None:
        self.db, self.account_id = db, account_id
        self._checklists: dict[int, Checklist] = {}
        self._cache_lock = threading.Lock()

    def template_versions(self, *, include_removed: bool = False) -> list[TemplateVersion]:
        """Checklist versions on the phone, by template and number."""
        sql = "SELECT * FROM template_versions WHERE account_id = ?"
        sql += "" if include_removed else " AND tombstoned = 0"
        return [
            TemplateVersion.from_row(r)
            for r in self.db.query(sql + " ORDER BY template_id, number", (self.account_id,))
        ]

    def template_version(self, version_id: int) -> TemplateVersion:
        """One version (also a withdrawn one a visit still needs)."""
        row = self.db.one(
            "SELECT * FROM template_versions WHERE account_id = ? AND id = ?", (self.account_id, version_id)
        )
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

    def assignments(
        self, *, statuses: Sequence[str] | None = ("open",), include_removed: bool = False
    ) -> list[Assignment]:
        """The user's assignments (open ones by default), soonest due first."""
        sql = "SELECT * FROM assignments WHERE account_id = ?"
        params: list[object] = [self.account_id]
        if not include_removed:
            sql += " AND tombstoned = 0"
        if statuses is not None:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params += list(statuses)
        return [Assignment.from_row(r) for r in self.db.query(sql + " ORDER BY due_to, due_from, id", params)]

    def assignment(self, assignment_id: str) -> Assignment:
        """One assignment (also a withdrawn one an unsent visit still needs)."""
        row = self.db.one(
            "SELECT * FROM assignments WHERE account_id = ? AND id = ?", (self.account_id, str(assignment_id))
        )
        if row is None:
            raise NotFound(f"assignment {assignment_id} is not on this device")
        return Assignment.from_row(row)

    def apply_changes(
        self,
        changes: Sequence[Mapping[str, Any]],
        cursor: str | None,
        *,
        reset: bool = False,
        snapshot_complete: bool = False,
    ) -> int:
        """Store a pulled page and its new cursor in one transaction (BadChange: nothing stored, cursor kept).

        `reset` / `snapshot_complete`: the page starts / ends a snapshot (see the module's docstring).
        """
        with self._cache_lock:
            self._checklists.clear()
        return apply_page(self.db, self.account_id, changes, cursor, reset=reset, snapshot_complete=snapshot_complete)

    def purge_unneeded(self) -> None:
        """Drop withdrawn rows no unsent visit needs any more."""
        purge_unneeded(self.db, self.account_id)
