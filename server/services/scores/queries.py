"""Read models of the dashboard: the visits behind a branch page and a region's CSV export, as the roll-ups count."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Branch, Region, Template, TemplateVersion, User, Visit
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.scores.filters import Scope, listed

VISIT_COLUMNS = (
    "visit_id",
    "finished_at_utc",
    "region",
    "branch_code",
    "branch_name",
    "shopper",
    "checklist",
    "version",
    "status",
    "score_percent",
    "critical_failures",
    "flagged",
    "zeroed",
    "not_completed_reason",
    "not_completed_comment",
)
"""The header of `visit_rows`, the dashboard's CSV export."""


def branch_visits(session: DbSession, branch: Branch, scope: Scope, labels: ShopperLabels) -> list[tuple[Visit, str]]:
    """The branch's listed visits in the period (counted ones, and those not completed) with their shoppers as
    `labels` says, newest first."""
    rows = session.execute(
        select(Visit, User.name, User.pseudonym)
        .join(User, User.id == Visit.shopper_id)
        .where(*listed(scope), Visit.branch_id == branch.id)
        .order_by(Visit.finished_at.desc(), Visit.id)
    )
    return [(visit, labels.label(name, pseudonym)) for visit, name, pseudonym in rows]


def visit_rows(session: DbSession, region: Region, scope: Scope, labels: ShopperLabels) -> Iterator[tuple]:
    """One tuple per listed visit at the region's branches (a not-completed one with its reason and no score), by
    branch code then date; shoppers as `labels` says."""
    query = (
        select(Visit, Branch, User.name, User.pseudonym, Template.name, TemplateVersion.number)
        .join(Branch, Branch.id == Visit.branch_id)
        .join(User, User.id == Visit.shopper_id)
        .join(TemplateVersion, TemplateVersion.id == Visit.template_version_id)
        .join(Template, Template.id == TemplateVersion.template_id)
        .where(*listed(scope), Branch.region_id == region.id)
        .order_by(Branch.code, Visit.finished_at, Visit.id)
    )
    for visit, branch, name, pseudonym, checklist, version in session.execute(query):
        yield (
            str(visit.id),
            visit.finished_at.strftime("%Y-%m-%d %H:%M"),
            region.name,
            branch.code,
            branch.name,
            labels.label(name, pseudonym),
            checklist,
            version,
            visit.status.value,
            visit.score_percent,
            visit.critical_failures,
            "yes" if visit.flagged else "no",
            "yes" if visit.zeroed else "no",
            visit.outcome_reason or "",
            visit.outcome_comment,
        )
