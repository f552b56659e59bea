"""The change log behind sync pulls: services append a row whenever something a phone may hold changes.

Rows name a thing, never its content: a pull renders the thing's current state for the caller
(or a tombstone when the caller may no longer hold it). Every row is addressed when it is
written, so a pull reads only the rows meant for its user (docs/architecture.md, Scale path: the cost rule):

- `visit` and `assignment` rows: to the thing's shopper (`audience=shopper_id`);
- `branch` and `region` rows: to the branch's region (`region=region_id`), read by that
  region's managers, admins, and the shoppers who work at that branch; or to one user;
- `template_version` rows: to one user, or to nobody in particular, which means everyone
  who may hold a published version (the only rows allowed without an audience).

Record changes as the last step of a transaction: on PostgreSQL the first change row takes the
changes lock (models/changes.py).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, insert, select

from server.extensions import DbSession
from server.models import Change, TemplateVersion, VersionStatus
from server.models.changes import lock_changes

ENTITIES = frozenset({"template_version", "branch", "region", "assignment", "user", "visit"})
OPERATIONS = frozenset({"upsert", "delete"})
FOR_ONE_USER = frozenset({"visit", "assignment", "user"})
"""Entities whose rows always name the one user who holds them."""
FOR_A_REGION = frozenset({"branch", "region"})
"""Entities whose rows name a region (or one user)."""
INSERT_CHANGES = insert(cast(Table, Change.__table__))  # declarative types __table__ as a FromClause; it is a Table


def change_row(
    entity: str, entity_id: object, op: str = "upsert", audience: int | None = None, region: int | None = None
) -> dict:
    """The checked column values of one change row (also for Core bulk inserts of many rows at once).

    Raises ValueError for an unknown entity or op, and for a row addressed to nobody (see the module docstring).
    """
    if entity not in ENTITIES:
        raise ValueError(f"unknown change entity {entity!r}; expected one of {sorted(ENTITIES)}")
    if op not in OPERATIONS:
        raise ValueError(f"unknown change op {op!r}; expected one of {sorted(OPERATIONS)}")
    if entity in FOR_ONE_USER and audience is None:
        raise ValueError(f"a {entity} change is addressed to the user who holds it: pass audience=<user id>")
    if entity in FOR_A_REGION and audience is None and region is None:
        raise ValueError(f"a {entity} change is addressed to its region or to one user: pass region= or audience=")
    return {
        "entity": entity,
        "entity_id": str(entity_id),
        "op": op,
        "audience_user_id": audience,
        "audience_region_id": region,
    }


def record_change(
    session: DbSession,
    entity: str,
    entity_id: object,
    op: str = "upsert",
    audience: int | None = None,
    region: int | None = None,
) -> Change:
    """Append one change (not committed: it rides in the caller's transaction, so it exists iff the change does).

    `audience` (a user id) addresses the row to that user only, e.g. the tombstone an old shopper
    receives when their assignment goes to someone else; other users never see its id. `region`
    addresses a branch or region row to whoever may hold things of that region.
    """
    change = Change(**change_row(entity, entity_id, op, audience, region))
    session.add(change)
    return change


def insert_changes(session: DbSession, rows: list[dict]) -> None:
    """Append change rows (from change_row()) with one Core INSERT, taking the changes lock first as the ORM hook would.

    Bypassing the ORM skips its before_flush hook, so the lock is taken here, explicitly: call this
    before the transaction's other writes, as a flush of the same rows would.
    """
    lock_changes(session)
    session.connection().execute(INSERT_CHANGES, rows)


def record_needs(session: DbSession, user_id: int, branch_id: int, template_id: int) -> None:
    """Tell one user (again) about a branch and a checklist's published versions, rendered for them at pull time.

    Used when an assignment or a returned visit reaches a user whose cursor may be past the
    rows that introduced them, and when it leaves them (then the pull sends tombstones if
    they need the branch or version no more).
    """
    with session.no_autoflush:  # published versions are flushed when published; pending rows can wait
        versions = session.scalars(
            select(TemplateVersion.id).where(
                TemplateVersion.template_id == template_id, TemplateVersion.status == VersionStatus.PUBLISHED
            )
        ).all()
    for version_id in versions:
        record_change(session, "template_version", version_id, audience=user_id)
    record_change(session, "branch", branch_id, audience=user_id)
