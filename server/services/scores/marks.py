"""Region roll-up marks: a counter per region, moved in the same transaction as anything that can change its roll-ups.

The roll-up cache (`cache.py`) keys a region's entries by its mark, so a change elsewhere (another
region's review, a push of a visit not yet approved, a shopper's assignment) leaves them warm.
What can move a region's roll-ups, and so bumps its mark at commit:

- a visit that is or was approved (review decision, return, any edit of it), at its branch's region
  (both regions if its branch changed);
- an answer, section score or photo (added, removed, or its `completed_at` changed) of a visit that
  is approved at commit time;
- a branch added, edited, switched off or moved (its old and its new region);
- the region itself edited.

Published checklist versions never change (checklist_edit), so labels need no mark. The affected rows
are gathered from the ORM's flushes (`after_flush`); in `before_commit`, after the transaction's last
flush, the stored question days of the region-days they name are recomputed (`question_days.refresh`)
and the marks moved by one UPDATE: on PostgreSQL that is after any changes lock
(models/changes.py), so every writer takes the two locks in the same order. Core statements bypass
the flush hooks: the server's Core writes to visits are a push's new rows (which name their region-day
through `visit_inserted` when they are stored already approved, as the demo's are) and the move to
submitted, which counts nowhere. `fieldaudit scores rebuild` recomputes the stored rows and moves every
mark after hand edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

from flask import has_request_context
from sqlalchemy import CursorResult, event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from server.extensions import DbSession
from server.models import Answer, Branch, Photo, Region, Visit, VisitSectionScore, VisitStatus
from server.services.scores import question_days
from server.services.scores.buckets import day_of

PENDING = "rollup_marks_pending"
READ = "rollup_marks_read"


@dataclass
class Touched:
    """What a transaction's flushes wrote that can move roll-ups, gathered until its commit."""

    regions: set = field(default_factory=set)
    """Regions whose own rows or branch list changed."""
    moved: dict = field(default_factory=dict)
    """Branch id -> every region it belonged to in this transaction (branches that changed region)."""
    visit_days: set = field(default_factory=set)
    """(branch id, UTC day) of visits that are or were approved, as they are and as they were."""
    visit_ids: set = field(default_factory=set)
    """Visits whose answers, section scores or photos changed (they count only if approved at commit)."""

    def __bool__(self) -> bool:
        return bool(self.regions or self.moved or self.visit_days or self.visit_ids)


def _values(obj, name: str, load: bool = True) -> set:
    """The attribute's current value and any value it had before this flush (None left out; loaded if need be)."""
    state = inspect(obj)
    if load and name not in state.dict and not state.deleted and state.key is not None:
        getattr(obj, name)  # expired since the last commit: the flush is done, so it can be read
    history = state.attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def _utc_day(moment: datetime):
    return moment.astimezone(UTC).date()


def _gather_from(session: DbSession, touched: Touched) -> None:
    """Add what the objects of the flush under way name (its new, deleted and really modified objects)."""
    changed = [
        *session.new,
        *session.deleted,
        *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False)),
    ]
    for obj in changed:
        if isinstance(obj, Region):
            touched.regions.update(_values(obj, "id"))
        elif isinstance(obj, Branch):  # moved by region_id or by the region relationship (synced at flush)
            regions = _values(obj, "region_id") | {region.id for region in _values(obj, "region", load=False)}
            touched.regions.update(regions)
            if len(regions) > 1 and obj not in session.new:
                touched.moved.setdefault(obj.id, set()).update(regions)
        elif isinstance(obj, Visit):
            if VisitStatus.APPROVED in _values(obj, "status"):
                touched.visit_days.update(
                    (branch, _utc_day(moment))
                    for branch in _values(obj, "branch_id")
                    for moment in _values(obj, "finished_at")
                )
        elif isinstance(obj, (Answer, VisitSectionScore)) or (
            isinstance(obj, Photo)
            and (
                obj in session.new or obj in session.deleted or inspect(obj).attrs["completed_at"].history.has_changes()
            )
        ):
            touched.visit_ids.update(_values(obj, "visit_id"))


def visit_inserted(session: DbSession, branch_id: int, finished_at: datetime, status: VisitStatus) -> None:
    """A visit stored by Core inserts (no flush sees it): if it is approved, its region-day is refreshed at commit."""
    if status is VisitStatus.APPROVED:
        session.info.setdefault(PENDING, Touched()).visit_days.add((branch_id, _utc_day(finished_at)))


@event.listens_for(Session, "after_flush")
def _gather(session: DbSession, flush_context) -> None:
    touched = session.info.setdefault(PENDING, Touched())
    _gather_from(session, touched)


@event.listens_for(Session, "before_commit")
def _settle_at_commit(session: DbSession) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook: gather its rows now
    touched = session.info.pop(PENDING, None)
    if touched:
        settle(session, touched)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: DbSession, previous_transaction) -> None:
    if previous_transaction.parent is None:  # a savepoint's rollback keeps what the outer transaction wrote
        session.info.pop(PENDING, None)


def settle(session: DbSession, touched: Touched) -> None:
    """Refresh the stored roll-ups of every region-day `touched` names and move the marks of their regions."""
    visit_days = set(touched.visit_days)
    if touched.visit_ids:
        visit_days.update(
            (branch, _utc_day(moment))
            for branch, moment in session.execute(
                select(Visit.branch_id, Visit.finished_at).where(
                    Visit.id.in_(touched.visit_ids), Visit.status == VisitStatus.APPROVED
                )
            )
        )
    slices: set[tuple[int, date]] = set()
    regions = set(touched.regions)
    if touched.moved:
        for branch, day in session.execute(
            select(Visit.branch_id, day_of(Visit.finished_at))
            .distinct()
            .where(Visit.branch_id.in_(touched.moved), Visit.status == VisitStatus.APPROVED)
        ):
            slices.update((region, _as_date(day)) for region in touched.moved[branch])
        regions.update(*touched.moved.values())
    if visit_days:
        region_of = _regions_of(session, {branch for branch, _ in visit_days})
        slices.update((region_of[branch], day) for branch, day in visit_days if branch in region_of)
    regions.update(region for region, _ in slices)
    question_days.refresh(session, slices)
    bump(session, regions)


def _as_date(value) -> date:
    """A DATE as the driver returns it (SQLite: an ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _regions_of(session: DbSession, branch_ids: set[int]) -> dict[int, int]:
    """branch id -> its region, from the session's loaded branches where it can, else one query."""
    found = {}
    for branch_id in branch_ids:
        branch = session.identity_map.get(identity_key(Branch, branch_id))
        if branch is not None and "region_id" in branch.__dict__:
            found[branch_id] = branch.region_id
    missing = branch_ids - set(found)
    if missing:
        found.update(session.execute(select(Branch.id, Branch.region_id).where(Branch.id.in_(missing))).all())
    return found


def bump(session: DbSession, region_ids: Iterable[int]) -> None:
    """Move the marks of these regions (one UPDATE; nothing for none)."""
    region_ids = set(region_ids)
    if region_ids:
        session.execute(
            update(Region)
            .where(Region.id.in_(region_ids))
            .values(rollup_mark=Region.rollup_mark + 1)
            .execution_options(synchronize_session=False)
        )


def bump_all(session: DbSession) -> int:
    """Move every region's mark (after edits the services did not make); returns the regions moved."""
    moved = session.execute(
        update(Region).values(rollup_mark=Region.rollup_mark + 1).execution_options(synchronize_session=False)
    )
    return cast(CursorResult, moved).rowcount  # an UPDATE's result is a CursorResult; Session.execute says Result


def region_marks(session: DbSession, region_ids: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """(region id, mark) for these regions, sorted by id: read once per request transaction for each region.

    A region that does not exist reads as mark -1. Kept in the session until its next flush, commit or
    rollback (cache.py clears them), so a page asking five roll-ups of a region reads its mark once.
    """
    known: dict[int, int] = session.info.setdefault(READ, {})
    wanted = sorted(set(region_ids))
    missing = [r for r in wanted if r not in known]
    if missing:
        found = dict(session.execute(select(Region.id, Region.rollup_mark).where(Region.id.in_(missing))).all())
        known.update({r: found.get(r, -1) for r in missing})
    if not has_request_context():  # outside a request every call reads afresh
        session.info.pop(READ, None)
    return tuple((r, known[r]) for r in wanted)
