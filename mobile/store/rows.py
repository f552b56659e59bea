"""Row lookups and small writes every visit module shares (one visit row, a draft check, the location, touch)."""

from __future__ import annotations

import json
import sqlite3

from shared.visit import Location

from .db import Database
from .errors import NotEditable, NotFound
from .models import VisitState, to_text, utcnow


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


def touch(conn: sqlite3.Connection, account_id: int, visit_id: str) -> None:
    """Note that the visit changed now (the UI sorts by it)."""
    conn.execute(
        "UPDATE visits SET updated_at = ? WHERE account_id = ? AND id = ?", (to_text(utcnow()), account_id, visit_id)
    )
