"""Sync pull: a page of what changed for this user after a cursor, as current state or tombstones.

Two kinds of page (docs/sync-protocol.md):

- a snapshot (cursor empty or 0, and the snapshot cursors it hands out): what the phone may
  hold now, paged (sync_snapshot.py); its first page says `reset`, its last `snapshot_complete`
  and hands out the plain cursor it was taken at;
- an incremental page (a plain cursor): change rows after it that are addressed to this user,
  found in SQL (sync_view.addressed_to), in one query of `limit + 1` rows; only the things
  those rows name are loaded (one query per kind). Rows meant for others are never read.

The cursor is the `seq` of the last change row the page looked at. It is safe to advance past
every row read because `seq` order is commit order on every database (server/models/changes.py),
so a row with a smaller `seq` can never appear after a pull has passed it. A change names a
thing; the page carries the thing's state at the time of the pull, once per page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Change, Role, User
from server.services.sync.render import entity_key, load, upsert
from server.services.sync.snapshot import KINDS, SnapshotPosition, snapshot_page
from server.services.sync.view import DELETE, SYNCED, UPSERT, SyncView, addressed_to

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
MAX_CURSOR = 2**63 - 1
MAX_CURSOR_LENGTH = 64
_SNAPSHOT_CURSOR = re.compile(r"s(\d{1,19})\.([0-9])\.([0-9a-f-]{0,36})")


@dataclass(frozen=True)
class ChangesPage:
    """One page: the changes, the cursor to ask from next, whether more rows follow, and the snapshot flags.

    `reset`: the first page of a snapshot (what the phone held from earlier pulls is confirmed
    only if a page of this snapshot sends it again); `snapshot_complete`: the snapshot's last page.
    """

    changes: list[dict]
    cursor: str
    more: bool
    reset: bool = False
    snapshot_complete: bool = False


class BadCursor(ValueError):
    """A `since` value this server never handed out."""


Cursor = int | SnapshotPosition | None
"""None: from the beginning (a snapshot); a plain change `seq`; or the position inside a snapshot.

A snapshot taken of an empty log hands out the plain cursor "0": from then on the pulls are
incremental from 0, so only an absent or empty `since` starts a snapshot."""


def parse_cursor(text: str | None) -> Cursor:
    """'' or None = from the beginning; a decimal seq of an earlier page; or a snapshot cursor of an earlier page."""
    if not text:
        return None
    if len(text) > MAX_CURSOR_LENGTH or not text.isascii():
        raise BadCursor("must be a cursor returned by an earlier page, or empty to start from the beginning")
    if text.isdigit():
        if len(text) > 19 or int(text) > MAX_CURSOR:
            raise BadCursor("must be a cursor returned by an earlier page, or empty to start from the beginning")
        return int(text)
    match = _SNAPSHOT_CURSOR.fullmatch(text)
    if match is None or int(match[1]) > MAX_CURSOR or int(match[2]) >= len(KINDS):
        raise BadCursor("must be a cursor returned by an earlier page, or empty to start from the beginning")
    kind, after = int(match[2]), match[3]
    return SnapshotPosition(int(match[1]), kind, _snapshot_key(KINDS[kind], after) if after else None)


def _snapshot_key(entity: str, text: str):
    """The last key a snapshot page sent, as its table's key type (exactly as the server writes it)."""
    key = entity_key(entity, text)
    if key is None or (isinstance(key, uuid.UUID) and str(key) != text):
        raise BadCursor("must be a cursor returned by an earlier page, or empty to start from the beginning")
    return key


def changes_page(session: DbSession, user: User, since: Cursor, limit: int = DEFAULT_LIMIT) -> ChangesPage:
    """Up to `limit` changes visible to `user` after cursor `since`, oldest first (a snapshot from the beginning)."""
    if since is None or isinstance(since, SnapshotPosition):
        return _snapshot(session, user, since, limit)
    return _incremental(session, user, since, limit)


def _snapshot(session: DbSession, user: User, position: SnapshotPosition | None, limit: int) -> ChangesPage:
    """One snapshot page; the last one hands out the snapshot's plain cursor and says whether changes follow it."""
    page = snapshot_page(session, user, position, limit)
    if page.next is not None:
        return ChangesPage(page.changes, page.next.text(), True, reset=position is None)
    more = session.scalar(_after(user, page.as_of).with_only_columns(Change.seq).limit(1)) is not None
    return ChangesPage(page.changes, str(page.as_of), more, reset=position is None, snapshot_complete=True)


def _after(user: User, cursor: int):
    """Change rows after the cursor addressed to this user (others' rows are never read)."""
    return select(Change).where(Change.seq > cursor, Change.entity.in_(SYNCED), addressed_to(user))


def _incremental(session: DbSession, user: User, since: int, limit: int) -> ChangesPage:
    """Change rows after `since` for this user, rendered as current states or tombstones, once each per page."""
    rows = session.scalars(_after(user, since).order_by(Change.seq).limit(limit + 1)).all()
    more, rows = len(rows) > limit, rows[:limit]
    if not rows:
        return ChangesPage([], str(since), False)
    found: dict[tuple[str, str], dict] = {}
    for item in _render(session, SyncView(session, user), rows):
        if item is not None:
            found.pop((item["entity"], item["id"]), None)  # once per page, at its latest place
            found[(item["entity"], item["id"])] = item
    return ChangesPage(list(found.values()), str(rows[-1].seq), more)


def _render(session: DbSession, view: SyncView, rows: Sequence[Change]) -> list[dict | None]:
    """For each row: the change to send this user, or None to pass over it."""
    keys = {row.seq: entity_key(row.entity, row.entity_id) for row in rows}
    wanted: dict[str, set] = {}
    for row in rows:
        if keys[row.seq] is not None:
            wanted.setdefault(row.entity, set()).add(keys[row.seq])
    loaded = load(session, wanted)
    rendered = []
    for row in rows:
        obj = loaded.get(row.entity, keys[row.seq])
        targeted = row.audience_user_id == view.user.id
        if obj is None:
            gone = targeted or (view.role is Role.ADMIN and row.entity != "visit")
            rendered.append({"entity": row.entity, "id": row.entity_id, "op": DELETE} if gone else None)
            continue
        verdict = getattr(view, "version" if row.entity == "template_version" else row.entity)(obj)
        if verdict is None and targeted:
            verdict = DELETE
        if verdict is None:
            rendered.append(None)
        elif verdict == UPSERT:
            rendered.append(upsert(row.entity, obj, loaded))
        else:
            rendered.append({"entity": row.entity, "id": str(obj.id), "op": DELETE})
    return rendered
