"""Sync pull: a page of what changed for this user after a cursor, as current state or tombstones.

The cursor is the `seq` of the last change row the page looked at (rows other users may not
see are looked at and passed over, never shown). It is safe to advance past every row read
because `seq` order is commit order on every database (see server/models/changes.py), so a
row with a smaller `seq` can never appear after a pull has passed it. A change names a thing;
the page carries the thing's state at the time of the pull, once per page.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ..models import Assignment, Branch, Change, Role, TemplateVersion, User, VersionStatus, Visit
from ..permissions import MAX_INT_ID
from .sync_view import DELETE, UPSERT, SyncView
from .visit_state import current_documents, missing_photos, visit_change_data

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
MAX_SCANNED = 10_000
"""Rows looked at per page at most, so a user who may see little of a busy log still gets an answer quickly."""
MIN_BATCH = 100
"""Rows read per query at least, so small pages over rows meant for others do not cost a query per row."""
MAX_CURSOR = 2**63 - 1
SYNCED = ("template_version", "branch", "assignment", "visit")


@dataclass(frozen=True)
class ChangesPage:
    """One page: the changes, the cursor to ask from next, and whether more rows follow."""

    changes: list[dict]
    cursor: str
    more: bool


class BadCursor(ValueError):
    """A `since` value this server never handed out."""


def parse_cursor(text: str | None) -> int:
    """'' or None = from the beginning; otherwise the decimal seq of an earlier page's cursor."""
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_CURSOR:
        raise BadCursor("must be a cursor returned by an earlier page, or empty to start from the beginning")
    return int(text)


def changes_page(session: Session, user: User, since: int, limit: int = DEFAULT_LIMIT) -> ChangesPage:
    """Up to `limit` changes visible to `user` after cursor `since`, oldest first."""
    view, cursor, scanned = SyncView(session, user), since, 0
    found: dict[tuple[str, str], dict] = {}
    while len(found) < limit and scanned < MAX_SCANNED:
        batch = max(limit, MIN_BATCH)
        rows = session.scalars(_after(user, cursor).order_by(Change.seq).limit(batch)).all()
        if not rows:
            return ChangesPage(list(found.values()), str(cursor), False)
        for row, item in zip(rows, _render(session, view, rows)):
            cursor, scanned = row.seq, scanned + 1
            if item is not None:
                found.pop((item["entity"], item["id"]), None)  # once per page, at its latest place
                found[(item["entity"], item["id"])] = item
                if len(found) >= limit:
                    break
        if len(rows) < batch and cursor == rows[-1].seq:
            return ChangesPage(list(found.values()), str(cursor), False)
    more = session.scalar(_after(user, cursor).limit(1)) is not None
    return ChangesPage(list(found.values()), str(cursor), more)


def _after(user: User, cursor: int):
    """Change rows after the cursor that may concern this user (others' addressed rows are never read)."""
    return select(Change).where(Change.seq > cursor, Change.entity.in_(SYNCED),
                                or_(Change.audience_user_id.is_(None), Change.audience_user_id == user.id))


def _key(entity: str, entity_id: str):
    """The row's id as its table's key type, or None when it cannot name a row."""
    try:
        if entity in ("assignment", "visit"):
            return uuid.UUID(entity_id)
        number = int(entity_id)
        return number if 0 < number <= MAX_INT_ID else None
    except ValueError:
        return None


def _render(session: Session, view: SyncView, rows: list[Change]) -> list[dict | None]:
    """For each row: the change to send this user, or None to pass over it."""
    keys = {row.seq: _key(row.entity, row.entity_id) for row in rows}
    wanted: dict[str, set] = {}
    for row in rows:
        if keys[row.seq] is not None:
            wanted.setdefault(row.entity, set()).add(keys[row.seq])
    loaded = _load(session, wanted)
    rendered = []
    for row in rows:
        obj = loaded.get(row.entity, {}).get(keys[row.seq])
        targeted = row.audience_user_id is not None
        if obj is None:
            gone = targeted or (view.role is Role.ADMIN and row.entity != "visit")
            rendered.append({"entity": row.entity, "id": row.entity_id, "op": DELETE} if gone else None)
            continue
        verdict = getattr(view, "version" if row.entity == "template_version" else row.entity)(obj)
        if verdict is None and targeted:
            verdict = DELETE
        if verdict is None:
            rendered.append(None)
        else:
            item = {"entity": row.entity, "id": str(obj.id), "op": verdict}
            if verdict == UPSERT:
                item["data"] = _data(session, row.entity, obj, loaded)
            rendered.append(item)
    return rendered


def _load(session: Session, wanted: dict[str, set]) -> dict[str, dict]:
    """The rows named by a batch of changes, with what rendering them needs, in a few queries."""
    loaded: dict[str, dict] = {}
    models = {"template_version": (TemplateVersion, ()), "branch": (Branch, (joinedload(Branch.region),)),
              "assignment": (Assignment, (joinedload(Assignment.branch),)), "visit": (Visit, ())}
    for entity, ids in wanted.items():
        model, options = models[entity]
        loaded[entity] = {obj.id: obj for obj in session.scalars(select(model).where(model.id.in_(ids))
                                                                 .options(*options))}
    visits = list(loaded.get("visit", {}).values())
    loaded["_documents"] = current_documents(session, visits)
    loaded["_missing"] = missing_photos(session, [v.id for v in visits])
    templates = {a.template_id for a in loaded.get("assignment", {}).values()}
    latest: dict[int, tuple[int, int]] = {}
    if templates:
        for template_id, number, version_id in session.execute(select(
                TemplateVersion.template_id, TemplateVersion.number, TemplateVersion.id).where(
                TemplateVersion.template_id.in_(templates), TemplateVersion.status == VersionStatus.PUBLISHED)):
            if number > latest.get(template_id, (0, 0))[0]:
                latest[template_id] = (number, version_id)
    loaded["_latest"] = {template_id: version_id for template_id, (_, version_id) in latest.items()}
    return loaded


def _data(session: Session, entity: str, obj, loaded: dict) -> dict:
    """The current state of one thing, in the shape docs/sync-protocol.md gives for its entity."""
    if entity == "template_version":
        return {"id": obj.id, "template_id": obj.template_id, "number": obj.number, "definition": obj.definition}
    if entity == "branch":
        region = obj.region
        return {"id": obj.id, "code": obj.code, "name": obj.name, "address": obj.address, "latitude": obj.latitude,
                "longitude": obj.longitude, "region": {"id": region.id, "code": region.code, "name": region.name}}
    if entity == "assignment":
        return {"id": str(obj.id), "branch_id": obj.branch_id, "template_id": obj.template_id,
                "template_version_id": loaded["_latest"].get(obj.template_id), "due_from": obj.due_from.isoformat(),
                "due_to": obj.due_to.isoformat(), "status": obj.status.value, "notes": obj.notes}
    return visit_change_data(obj, loaded["_documents"].get(obj.id), loaded["_missing"][obj.id])

