"""The store's schema as ordered migrations (PRAGMA user_version = how many ran), so app upgrades keep the data."""

from __future__ import annotations

import sqlite3

from .db import Migration

_V1 = [
    """CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        server_url TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT 'shopper',
        token TEXT,
        token_id INTEGER,
        token_expires_at TEXT,
        token_problem TEXT,
        cursor TEXT,
        last_sync_at TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (server_url, user_id))""",
    """CREATE TABLE template_versions (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        template_id INTEGER NOT NULL,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        allow_adhoc INTEGER NOT NULL DEFAULT 0,
        definition TEXT NOT NULL,
        tombstoned INTEGER NOT NULL DEFAULT 0,
        pulled_at TEXT NOT NULL,
        PRIMARY KEY (account_id, id))""",
    """CREATE TABLE branches (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        latitude REAL,
        longitude REAL,
        region TEXT,
        tombstoned INTEGER NOT NULL DEFAULT 0,
        pulled_at TEXT NOT NULL,
        PRIMARY KEY (account_id, id))""",
    """CREATE TABLE assignments (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        branch_id INTEGER NOT NULL,
        template_id INTEGER NOT NULL,
        template_version_id INTEGER,
        due_from TEXT,
        due_to TEXT,
        status TEXT NOT NULL DEFAULT 'open',
        notes TEXT NOT NULL DEFAULT '',
        tombstoned INTEGER NOT NULL DEFAULT 0,
        pulled_at TEXT NOT NULL,
        PRIMARY KEY (account_id, id))""",
    """CREATE TABLE visits (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        assignment_id TEXT,
        branch_id INTEGER NOT NULL,
        template_version_id INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        location TEXT,
        base_revision INTEGER,
        state TEXT NOT NULL,
        document TEXT,
        fingerprint TEXT,
        last_error TEXT,
        field_errors TEXT,
        queued_at TEXT,
        sent_at TEXT,
        updated_at TEXT NOT NULL,
        server_revision INTEGER,
        server_status TEXT,
        server_score REAL,
        review_note TEXT,
        server_missing_photos TEXT,
        server_document TEXT,
        server_checked_at TEXT,
        PRIMARY KEY (account_id, id))""",
    "CREATE INDEX visits_by_state ON visits (account_id, state)",
    "CREATE INDEX visits_by_assignment ON visits (account_id, assignment_id)",
    """CREATE TABLE answers (
        account_id INTEGER NOT NULL,
        visit_id TEXT NOT NULL,
        question_key TEXT NOT NULL,
        value TEXT,
        na INTEGER NOT NULL DEFAULT 0,
        comment TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account_id, visit_id, question_key),
        FOREIGN KEY (account_id, visit_id) REFERENCES visits (account_id, id) ON DELETE CASCADE)""",
    """CREATE TABLE photos (
        account_id INTEGER NOT NULL,
        id TEXT NOT NULL,
        visit_id TEXT NOT NULL,
        question_key TEXT NOT NULL,
        file_name TEXT,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        uploaded_bytes INTEGER NOT NULL DEFAULT 0,
        uploaded INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, id),
        FOREIGN KEY (account_id, visit_id) REFERENCES visits (account_id, id) ON DELETE CASCADE)""",
    "CREATE INDEX photos_by_visit ON photos (account_id, visit_id)",
]


def v1_initial(conn: sqlite3.Connection) -> None:
    """Accounts, pulled data (template versions, branches, assignments), visits with answers and photos."""
    for statement in _V1:
        conn.execute(statement)


def v2_phone_settings(conn: sqlite3.Connection) -> None:
    """Each account keeps the organisation settings its server last sent (shared.phone_settings), for offline use."""
    conn.execute("ALTER TABLE accounts ADD COLUMN phone_settings TEXT")


def v3_snapshot_marks(conn: sqlite3.Connection) -> None:
    """Pulled rows get a `stale` mark: set when a snapshot starts, cleared when the snapshot sends the row again."""
    for table in ("template_versions", "branches", "assignments"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN stale INTEGER NOT NULL DEFAULT 0")


def v4_visit_outcome(conn: sqlite3.Connection) -> None:
    """A visit the shopper could not complete keeps its outcome (the wire's JSON; NULL = a normal visit)."""
    conn.execute("ALTER TABLE visits ADD COLUMN outcome TEXT")


def v5_photo_capture(conn: sqlite3.Connection) -> None:
    """Each photo keeps where the device was at capture (JSON Location) and whether its `taken_at` is the capture
    time (it is not for a photo only the server holds, copied from a visit returned for correction)."""
    conn.execute("ALTER TABLE photos ADD COLUMN location TEXT")
    conn.execute("ALTER TABLE photos ADD COLUMN capture_known INTEGER NOT NULL DEFAULT 1")
    conn.execute("UPDATE photos SET capture_known = 0 WHERE file_name IS NULL")


MIGRATIONS: list[Migration] = [v1_initial, v2_phone_settings, v3_snapshot_marks, v4_visit_outcome, v5_photo_capture]
"""Every schema change in order: append a function for each change, never edit one that has shipped."""
