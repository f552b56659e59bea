"""The activity log: services record what admins do; the activity page reads it back, newest first."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from server.extensions import DbSession
from server.models import Activity, User

PER_PAGE = 50


def log_activity(
    session: DbSession,
    actor: User | None,
    action: str,
    obj_type: str,
    obj_id: object,
    summary: str = "",
    *,
    email: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Activity:
    """Add one entry (not committed: it rides in the caller's transaction, so it exists iff the change does)."""
    entry = Activity(
        actor_id=getattr(actor, "id", None),
        action=action[:64],
        object_type=obj_type[:32],
        object_id=str(obj_id)[:64],
        summary=(summary or "")[:500],
        email=email[:254] if email else None,
        ip=ip[:45] if ip else None,
        user_agent=user_agent[:255] if user_agent else None,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class ActivityPage:
    """One page of entries and what the pager needs."""

    entries: list[Activity]
    page: int
    pages: int
    total: int


def activity_page(
    session: DbSession,
    *,
    actor_id: int | None = None,
    object_type: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ActivityPage:
    """Entries newest first, optionally for one actor and/or one object type."""
    query = select(Activity)
    if actor_id is not None:
        query = query.where(Activity.actor_id == actor_id)
    if object_type:
        query = query.where(Activity.object_type == object_type)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    entries = session.scalars(
        query.options(joinedload(Activity.actor))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return ActivityPage(list(entries), page, pages, total)


def activity_filters(session: DbSession) -> tuple[list[User], list[str]]:
    """The actors and object types that appear in the log, for the filter menus."""
    actors = session.scalars(select(User).where(User.id.in_(select(Activity.actor_id))).order_by(User.name)).all()
    types = session.scalars(select(Activity.object_type).distinct().order_by(Activity.object_type)).all()
    return list(actors), list(types)
