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
are gathered from the ORM's flushes (`after_flush`) and the marks moved by one UPDATE in
`before_commit`, after the transaction's last flush: on PostgreSQL that is after any changes lock
(models/changes.py), so every writer takes the two locks in the same order. Core statements bypass
this, as they bypass the change log; the only Core writes to visits (a push's new rows, the move to
submitted) touch no approved visit. `fieldaudit scores forget` bumps every mark after hand edits.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context
from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session

from ...models import Answer, Branch, Photo, Region, Visit, VisitSectionScore, VisitStatus

PENDING = "rollup_marks_pending"
READ = "rollup_marks_read"


def _values(obj, name: str) -> set:
    """The attribute's current value and any value it had before this flush (None left out)."""
    history = inspect(obj).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def _touched(session: Session) -> tuple[set, set, set]:
    """(region ids, branch ids, visit ids to check) named by the objects this flush writes."""
    regions, branches, visits = set(), set(), set()
    changed = [*session.new, *session.deleted,
               *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False))]
    for obj in changed:
        if isinstance(obj, Region):
            regions.update(_values(obj, "id"))
        elif isinstance(obj, Branch):
            regions.update(_values(obj, "region_id"))
        elif isinstance(obj, Visit):
            if VisitStatus.APPROVED in _values(obj, "status"):
                branches.update(_values(obj, "branch_id"))
        elif isinstance(obj, (Answer, VisitSectionScore)) or (
                isinstance(obj, Photo) and (obj in session.new or obj in session.deleted
                                            or inspect(obj).attrs["completed_at"].history.has_changes())):
            visits.update(_values(obj, "visit_id"))
    return regions, branches, visits


@event.listens_for(Session, "after_flush")
def _gather(session: Session, flush_context) -> None:
    regions, branches, visits = _touched(session)
    if regions or branches or visits:
        pending = session.info.setdefault(PENDING, (set(), set(), set()))
        for into, found in zip(pending, (regions, branches, visits)):
            into.update(found)


@event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook: gather its rows now
    pending = session.info.pop(PENDING, None)
    if pending:
        bump(session, *pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # a savepoint's rollback keeps what the outer transaction wrote
        session.info.pop(PENDING, None)


def bump(session: Session, region_ids: Iterable[int] = (), branch_ids: Iterable[int] = (),
         visit_ids: Iterable = ()) -> None:
    """Move the marks of these regions, of these branches' regions and of these visits' regions (approved visits only)."""
    region_ids, branch_ids, visit_ids = set(region_ids), set(branch_ids), set(visit_ids)
    which = []
    if region_ids:
        which.append(Region.id.in_(region_ids))
    if branch_ids:
        which.append(Region.id.in_(select(Branch.region_id).where(Branch.id.in_(branch_ids))))
    if visit_ids:
        which.append(Region.id.in_(select(Branch.region_id).join(Visit, Visit.branch_id == Branch.id)
                                   .where(Visit.id.in_(visit_ids), Visit.status == VisitStatus.APPROVED)))
    if which:
        session.execute(update(Region).where(or_(*which)).values(rollup_mark=Region.rollup_mark + 1)
                        .execution_options(synchronize_session=False))


def bump_all(session: Session) -> int:
    """Move every region's mark (after edits the services did not make); returns the regions moved."""
    return session.execute(update(Region).values(rollup_mark=Region.rollup_mark + 1)
                           .execution_options(synchronize_session=False)).rowcount


def region_marks(session: Session, region_ids: Iterable[int]) -> tuple[tuple[int, int], ...]:
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
