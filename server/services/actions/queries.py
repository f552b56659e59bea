"""Reading actions: the filtered lists (mine, a branch's, a region's overdue ones), one action's page, CSV rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from server.extensions import DbSession
from server.models import ActionStatus, Branch, CorrectiveAction, CorrectiveActionEvent, Role, User, manager_regions
from server.models.actions import UNFINISHED_STATUSES
from server.models.types import utcnow
from server.permissions import visible_actions_query
from server.services.errors import ServiceError

LIST_LIMIT = 500
"""At most this many actions in one list or CSV (filters narrow it)."""


@dataclass(frozen=True)
class ActionFilters:
    """What a list shows: a status, a branch, a region, only overdue ones, an owner ("me", "none" or a user id)."""

    status: ActionStatus | None = None
    branch_id: int | None = None
    region_id: int | None = None
    overdue: bool = False
    owner: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (for links such as the CSV download)."""
        args = {
            "status": self.status.value if self.status else "",
            "branch": str(self.branch_id or ""),
            "region": str(self.region_id or ""),
            "overdue": "1" if self.overdue else "",
            "owner": self.owner,
        }
        return {key: value for key, value in args.items() if value}


def _id(value: str, field: str) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) >= 2**31:
        raise ServiceError(field, "Give a whole number.")
    return int(value)


def filters_from(args: Mapping[str, object]) -> ActionFilters:
    """The filters from query arguments (web page or API); unknown values are refused, naming the argument."""

    def arg(name: str) -> str:
        return str(args.get(name) or "").strip()

    status = arg("status")
    if status and status not in {s.value for s in ActionStatus}:
        raise ServiceError("status", f"Unknown status; choose one of {', '.join(s.value for s in ActionStatus)}.")
    owner = arg("owner")
    if owner not in ("", "me", "none") and _id(owner, "owner") is None:
        raise ServiceError("owner", "Give me, none or a user id.")
    return ActionFilters(
        status=ActionStatus(status) if status else None,
        branch_id=_id(arg("branch"), "branch"),
        region_id=_id(arg("region"), "region"),
        overdue=arg("overdue").lower() in ("1", "true", "yes", "on"),
        owner=owner,
    )


def today() -> date:
    """The date overdue is measured against (UTC, like every date the server stores)."""
    return utcnow().date()


def filtered_query(user: User, filters: ActionFilters) -> Select:
    """The actions the user may see, narrowed by the filters, soonest due first."""
    query = visible_actions_query(user)
    if filters.status is not None:
        query = query.where(CorrectiveAction.status == filters.status)
    if filters.branch_id is not None:
        query = query.where(CorrectiveAction.branch_id == filters.branch_id)
    if filters.region_id is not None:
        query = query.where(
            CorrectiveAction.branch_id.in_(select(Branch.id).where(Branch.region_id == filters.region_id))
        )
    if filters.overdue:
        query = query.where(CorrectiveAction.status.in_(UNFINISHED_STATUSES), CorrectiveAction.due_on < today())
    if filters.owner == "me":
        query = query.where(CorrectiveAction.owner_id == user.id)
    elif filters.owner == "none":
        query = query.where(CorrectiveAction.owner_id.is_(None))
    elif filters.owner:
        query = query.where(CorrectiveAction.owner_id == int(filters.owner))
    return query


def list_actions(session: DbSession, user: User, filters: ActionFilters) -> list[CorrectiveAction]:
    """The filtered list, with each action's branch and owner loaded (at most LIST_LIMIT)."""
    query = filtered_query(user, filters).options(
        joinedload(CorrectiveAction.branch).joinedload(Branch.region), joinedload(CorrectiveAction.owner)
    )
    return list(session.scalars(query.limit(LIST_LIMIT)).unique())


def actions_from_visit(session: DbSession, user: User, visit_id: object) -> list[CorrectiveAction]:
    """The actions raised from one visit that the user may see (the visit page lists them)."""
    query = visible_actions_query(user).where(CorrectiveAction.visit_id == visit_id)
    return list(session.scalars(query.options(joinedload(CorrectiveAction.owner))).unique())


def action_history(session: DbSession, action: CorrectiveAction) -> list[CorrectiveActionEvent]:
    """The action's history, oldest first, with who made each change."""
    query = (
        select(CorrectiveActionEvent)
        .where(CorrectiveActionEvent.action_id == action.id)
        .options(selectinload(CorrectiveActionEvent.actor))
        .order_by(CorrectiveActionEvent.id)
    )
    return list(session.scalars(query))


CSV_HEADER = (
    "id",
    "title",
    "status",
    "priority",
    "due on",
    "overdue",
    "region",
    "branch code",
    "branch",
    "owner",
    "source",
    "visit",
    "question",
    "created",
    "cancel reason",
)


def csv_rows(actions: list[CorrectiveAction]) -> list[tuple[object, ...]]:
    """One row per action for the CSV export (the edge makes every cell safe for spreadsheets)."""
    now = today()
    return [
        (
            action.id,
            action.title,
            action.status.value,
            action.priority.value,
            action.due_on.isoformat(),
            "yes" if action.is_overdue(now) else "no",
            action.branch.region.name,
            action.branch.code,
            action.branch.name,
            action.owner.name if action.owner is not None else "",
            action.source.value,
            str(action.visit_id or ""),
            action.question_key or "",
            action.created_at.strftime("%Y-%m-%d %H:%M"),
            action.cancel_reason,
        )
        for action in actions
    ]


def owner_choices(session: DbSession, branch: Branch) -> list[User]:
    """Who may own the branch's actions: active admins and the active managers of its region, by name."""
    managers = select(manager_regions.c.user_id).where(manager_regions.c.region_id == branch.region_id)
    query = (
        select(User)
        .where(User.active.is_(True))
        .where((User.role == Role.ADMIN) | ((User.role == Role.MANAGER) & User.id.in_(managers)))
        .order_by(User.name, User.id)
    )
    return list(session.scalars(query))
