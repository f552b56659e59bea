"""Accounts on this device: who signed in to which server, their token, sync cursor and the server's phone settings."""

from __future__ import annotations

import json
from datetime import datetime

from shared.phone_settings import PhoneSettings, dump_phone_settings

from .db import Database
from .errors import NotFound, StoreError
from .models import UNSENT_STATES, Account, to_text, utcnow


def get_account(db: Database, account_id: int) -> Account:
    """The account with this id; NotFound otherwise."""
    row = db.one("SELECT * FROM accounts WHERE id = ?", (account_id,))
    if row is None:
        raise NotFound(f"there is no account {account_id} on this device")
    return Account.from_row(row)


def list_accounts(db: Database) -> list[Account]:
    """Every account on this device, in the order they were added."""
    return [Account.from_row(row) for row in db.query("SELECT * FROM accounts ORDER BY id")]


def save_account(
    db: Database,
    *,
    server_url: str,
    user_id: int,
    email: str,
    name: str,
    role: str,
    token: str,
    token_id: int | None = None,
    token_expires_at: datetime | None = None,
) -> Account:
    """Add an account, or give an existing one (same server and user) its new token; its data and cursor stay."""
    expires = to_text(token_expires_at) if token_expires_at else None
    with db.transaction() as conn:
        conn.execute(
            """INSERT INTO accounts (server_url, user_id, email, name, role, token, token_id, token_expires_at,
                                     created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (server_url, user_id) DO UPDATE SET
                 email = excluded.email, name = excluded.name, role = excluded.role, token = excluded.token,
                 token_id = excluded.token_id, token_expires_at = excluded.token_expires_at, token_problem = NULL""",
            (server_url, user_id, email, name, role, token, token_id, expires, to_text(utcnow())),
        )
        row = conn.execute(
            "SELECT id FROM accounts WHERE server_url = ? AND user_id = ?", (server_url, user_id)
        ).fetchone()
    return get_account(db, row["id"])


def set_token_problem(db: Database, account_id: int, reason: str | None) -> None:
    """Remember that the server refused the token (expired, revoked...): the UI asks to sign in again."""
    with db.transaction() as conn:
        conn.execute("UPDATE accounts SET token_problem = ? WHERE id = ?", (reason, account_id))


def forget_token(db: Database, account_id: int) -> None:
    """Sign out on this device: drop the token, keep every visit and pulled row for the next sign-in."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET token = NULL, token_id = NULL, token_problem = NULL WHERE id = ?", (account_id,)
        )


def token_id(db: Database, account_id: int) -> int | None:
    """The server-side id of the account's token (to revoke it when signing out)."""
    row = db.one("SELECT token_id FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else row["token_id"]


def set_phone_settings(db: Database, account_id: int, settings: PhoneSettings) -> None:
    """Keep the settings the account's server sent, so the app follows them offline too."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET phone_settings = ? WHERE id = ?",
            (json.dumps(dump_phone_settings(settings)), account_id),
        )


def set_last_sync(db: Database, account_id: int, when: datetime | None = None) -> None:
    """Record when a sync last completed for this account."""
    with db.transaction() as conn:
        conn.execute("UPDATE accounts SET last_sync_at = ? WHERE id = ?", (to_text(when or utcnow()), account_id))


def remove_account(db: Database, account_id: int, *, force: bool = False) -> None:
    """Delete an account and all its rows; refused while it holds unsent visits unless ``force``."""
    get_account(db, account_id)
    marks = ",".join("?" * len(UNSENT_STATES))
    with db.transaction() as conn:
        unsent = conn.execute(
            f"SELECT COUNT(*) FROM visits WHERE account_id = ? AND state IN ({marks})", (account_id, *UNSENT_STATES)
        ).fetchone()[0]
        if unsent and not force:
            raise StoreError(f"this account still has {unsent} visit(s) not yet on the server; sync first")
        for table in ("photos", "answers", "visits", "assignments", "branches", "template_versions"):
            conn.execute(f"DELETE FROM {table} WHERE account_id = ?", (account_id,))
        conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
