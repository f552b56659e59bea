"""A first pull (cursor 0): a snapshot of what the user's phone may hold now, paged, plus the cursor to go on from.

Not a replay of history: its cost follows what the phone holds, never the size of the change
log. What a snapshot holds (docs/sync-protocol.md):

- shopper: their open and submitted assignments; their visits still in play (awaiting photos,
  submitted, returned for correction) and every visit they submitted in the last
  VISIT_WINDOW_DAYS days; the active branches of those; the published versions of the
  checklists of those assignments or that allow ad-hoc visits, and the pinned version of a
  visit returned to them;
- manager: the active branches of their regions and every published version (no assignment:
  permissions.py's confidentiality rule; no visit);
- admin: every active branch, published version and open or submitted assignment.

The snapshot's cursor `as_of` is the largest committed `seq`, read *before* any state: every
change committed later has a larger `seq` (the changes lock makes `seq` order commit order,
models/changes.py), so the incremental pages from `as_of` bring whatever changed while the
snapshot was read or paged. Reading the state first would lose a change committed in between.
Pages go kind by kind (versions, branches, assignments, visits), each in key order, continuing
after the last key sent (never an offset, which a concurrent change would shift).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import false, func, or_, select, union
from sqlalchemy.orm import joinedload

from server.extensions import DbSession
from server.models import (
    Assignment,
    AssignmentStatus,
    Branch,
    Change,
    Role,
    TemplateVersion,
    User,
    VersionStatus,
    Visit,
    VisitStatus,
)
from server.models.types import utcnow
from server.permissions import role_of, visible_assignments_query, visible_branches_query
from server.services.sync.render import Loaded, newest_of, upsert, visits_with_documents
from server.services.sync.view import allows_adhoc

KINDS = ("template_version", "branch", "assignment", "visit")
VISIT_WINDOW_DAYS = 14
"""Visits submitted this many days back are in a snapshot (the phone's Sent list), besides those still in play."""
LIVE_ASSIGNMENTS = (AssignmentStatus.OPEN, AssignmentStatus.SUBMITTED)
VISITS_IN_PLAY = (VisitStatus.AWAITING_PHOTOS, VisitStatus.SUBMITTED, VisitStatus.RETURNED)


@dataclass(frozen=True)
class SnapshotPosition:
    """Where a snapshot page starts: the snapshot's cursor, the kind, and the last key already sent of that kind."""

    as_of: int
    kind: int = 0
    after: object = None

    def text(self) -> str:
        """The opaque cursor the phone sends back for the next snapshot page."""
        return f"s{self.as_of}.{self.kind}.{'' if self.after is None else self.after}"


@dataclass(frozen=True)
class SnapshotPage:
    """Changes (all upserts), where the next page starts (None: the snapshot is complete), and the snapshot cursor."""

    changes: list[dict]
    next: SnapshotPosition | None
    as_of: int


def current_cursor(session: DbSession) -> int:
    """The largest committed change `seq` (0 for an empty log): read before the state a snapshot sends."""
    return session.execute(select(func.coalesce(func.max(Change.seq), 0))).scalar_one()


def snapshot_page(session: DbSession, user: User, position: SnapshotPosition | None, limit: int) -> SnapshotPage:
    """Up to `limit` things the user may hold now, from `position` (None: start a snapshot)."""
    if position is None:
        position = SnapshotPosition(current_cursor(session))
    scope, loaded = _Scope(user), Loaded()
    changes: list[dict] = []
    kind, after = position.kind, position.after
    while kind < len(KINDS):
        room = limit - len(changes)
        if room <= 0:
            return SnapshotPage(changes, SnapshotPosition(position.as_of, kind, after), position.as_of)
        entity = KINDS[kind]
        rows = scope.rows(session, entity, after, room + 1, loaded)
        if entity == "template_version" and after is None and len(rows) <= room:
            _every_published_seen(loaded, [version for version, _ in rows])
        objects = loaded.add(session, entity, [obj for obj, keep in rows[:room] if keep])
        changes += [upsert(entity, obj, loaded) for obj in objects]
        if len(rows) > room:
            return SnapshotPage(changes, SnapshotPosition(position.as_of, kind, rows[room - 1][0].id), position.as_of)
        kind, after = kind + 1, None
    return SnapshotPage(changes, None, position.as_of)


def _every_published_seen(loaded: Loaded, versions: list[TemplateVersion]) -> None:
    """The versions scan ran whole in this page and reads every published version (for any role): the newest of each
    checklist is known, so the assignments after it need no query for it."""
    loaded.latest.update(
        newest_of((v.template_id, v.number, v.id) for v in versions if v.status is VersionStatus.PUBLISHED)
    )
    loaded.every_version_seen = True


class _Scope:
    """The snapshot's queries for one user: one per kind, keyset-paged by id."""

    def __init__(self, user: User):
        self.user, self.role = user, role_of(user)
        self.since = utcnow() - timedelta(days=VISIT_WINDOW_DAYS)

    def rows(self, session: DbSession, entity: str, after, count: int, loaded: Loaded) -> list[tuple[Any, bool]]:
        """Up to `count` candidates after key `after` (objects of the entity's model), each with whether it belongs in
        the snapshot."""
        query = getattr(self, entity)()
        if query is None:
            return []
        model = query.column_descriptions[0]["entity"]
        if after is not None:
            query = query.where(model.id > after)
        query = query.order_by(None).order_by(model.id).limit(count)
        if entity == "template_version":
            return [
                (
                    version,
                    bool(returned)
                    or (version.status is VersionStatus.PUBLISHED and (bool(needed) or allows_adhoc(version))),
                )
                for version, needed, returned in session.execute(query)
            ]
        if entity == "visit":
            return [(visit, True) for visit in visits_with_documents(session, query, loaded)]
        return [(obj, True) for obj in session.scalars(query)]

    def _visits(self):
        """The shopper's visits still in play or submitted within the window."""
        return select(Visit).where(
            Visit.shopper_id == self.user.id, or_(Visit.status.in_(VISITS_IN_PLAY), Visit.submitted_at >= self.since)
        )

    def _assignments(self):
        """Open and submitted assignments the user may see (permissions.py: none for managers)."""
        return visible_assignments_query(self.user).where(Assignment.status.in_(LIVE_ASSIGNMENTS)).order_by(None)

    def template_version(self):
        """Published versions (with whether an assignment needs it) and the pinned versions of returned visits."""
        published = TemplateVersion.status == VersionStatus.PUBLISHED
        if self.role is not Role.SHOPPER:
            return select(TemplateVersion, published, false()).where(published)
        live = TemplateVersion.template_id.in_(self._assignments().with_only_columns(Assignment.template_id))  # needed
        # The shopper's returned visits (in play, so in the window by definition), read once and used twice below.
        pinned = (
            select(Visit.template_version_id)
            .where(Visit.shopper_id == self.user.id, Visit.status == VisitStatus.RETURNED)
            .cte("pinned")
        )
        returned = TemplateVersion.id.in_(select(pinned.c.template_version_id))
        return select(TemplateVersion, published & live, returned).where(or_(published, returned))

    def branch(self):
        """Active branches the user may see; a shopper's only where they have live work or a visit in the window.

        A shopper's are asked for directly: their live assignments and window visits are their own, so every
        such branch is one visible_branches_query allows, and its wider reads of all their work are not needed.
        """
        if self.role is Role.SHOPPER:
            query = select(Branch).where(
                Branch.id.in_(
                    union(  # one IN: SQLite reads each side once, an OR twice
                        self._assignments().with_only_columns(Assignment.branch_id),
                        self._visits().with_only_columns(Visit.branch_id),
                    )
                )
            )
        else:
            query = visible_branches_query(self.user)
        return query.where(Branch.active.is_(True)).options(joinedload(Branch.region))

    def assignment(self):
        """Open and submitted assignments, for the roles that hold any."""
        return self._assignments() if self.role in (Role.SHOPPER, Role.ADMIN) else None

    def visit(self):
        """The shopper's visits in the snapshot's window."""
        return self._visits() if self.role is Role.SHOPPER else None
