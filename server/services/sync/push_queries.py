"""The SELECTs of a push batch's lookups (push_lookups), built once per process with bound parameters.

Building a statement per request (operators, coercions, a fresh cache key) and running it through the
ORM cost more than the database did for a single-visit push (issue 10): these are Core statements of
table columns, memoised cache keys included, executed on the session's connection with plain values.
"""

from __future__ import annotations

from sqlalchemy import Text, bindparam, cast, func, literal, or_, select, union, union_all
from sqlalchemy.engine import Connection

from server.extensions import DbSession
from server.models import Assignment, Branch, Photo, TemplateVersion, Visit

_versions, _branches, _assignments = TemplateVersion.__table__.c, Branch.__table__.c, Assignment.__table__.c
_visits, _photos = Visit.__table__.c, Photo.__table__.c

VERSIONS = select(
    _versions.id, _versions.template_id, _versions.status, cast(_versions.definition, Text).label("definition")
).where(_versions.id.in_(bindparam("ids", expanding=True)))
"""The batch's checklist versions, the definition as its stored JSON text (the checklist cache's key)."""

BRANCHES = select(_branches.id, _branches.active).where(_branches.id.in_(bindparam("ids", expanding=True)))

ASSIGNMENTS = select(
    _assignments.id, _assignments.shopper_id, _assignments.branch_id, _assignments.template_id, _assignments.status
).where(_assignments.id.in_(bindparam("ids", expanding=True)))

WORKED_AT = union(
    select(_assignments.branch_id).where(
        _assignments.shopper_id == bindparam("shopper"),
        _assignments.branch_id.in_(bindparam("branches", expanding=True)),
    ),
    select(_visits.branch_id).where(
        _visits.shopper_id == bindparam("shopper"), _visits.branch_id.in_(bindparam("branches", expanding=True))
    ),
)
"""Of the batch's ad-hoc branches, those the shopper already works at (an assignment or a visit there)."""

_STORED = select(literal("visit").label("kind"), _visits.id.label("id"), _visits.assignment_id.label("other"))
CLASHES = _STORED.where(_visits.id.in_(bindparam("ids", expanding=True)))
"""Stored visits with the batch's ids."""
CLASHES_WITH_ASSIGNMENTS = _STORED.where(
    or_(
        _visits.id.in_(bindparam("ids", expanding=True)),
        _visits.assignment_id.in_(bindparam("assignments", expanding=True)),
    )
)
"""...or with the batch's assignments."""
_PHOTOS_TAKEN = select(literal("photo"), _photos.id, _photos.visit_id).where(
    _photos.id.in_(bindparam("photos", expanding=True))
)
CLASHES_AND_PHOTOS = union_all(CLASHES, _PHOTOS_TAKEN)
"""...and the manifests' photo ids already stored."""
CLASHES_WITH_ASSIGNMENTS_AND_PHOTOS = union_all(CLASHES_WITH_ASSIGNMENTS, _PHOTOS_TAKEN)

DAILY_PHOTOS = (
    select(func.count(_photos.id), func.coalesce(func.sum(_photos.size), 0), func.min(_visits.submitted_at))
    .select_from(Photo.__table__.join(Visit.__table__, _visits.id == _photos.visit_id))
    .where(_visits.shopper_id == bindparam("shopper"), _visits.submitted_at >= bindparam("since"))
)
"""Photos named by the shopper's visits submitted since a time: how many, their bytes, the oldest visit's time."""
DAILY_PHOTOS_BESIDES = DAILY_PHOTOS.where(_visits.id != bindparam("besides"))
"""...leaving out one visit (a correction replaces its own photos)."""


def clashes_query(with_assignments: bool, with_photos: bool):
    """The clash statement for a batch naming assignments and/or photos (none sent for kinds it does not name)."""
    if with_photos:
        return CLASHES_WITH_ASSIGNMENTS_AND_PHOTOS if with_assignments else CLASHES_AND_PHOTOS
    return CLASHES_WITH_ASSIGNMENTS if with_assignments else CLASHES


def connection_after_flush(session: DbSession) -> Connection:
    """The session's connection for these Core statements, pending changes flushed first as the ORM's own queries do."""
    if session.autoflush:
        session.flush()
    return session.connection()
