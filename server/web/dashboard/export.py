"""The rows of the dashboard's CSV export: every visit counted in a region's league table for a period."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Branch, Region, Template, TemplateVersion, User, Visit
from server.services.scores import Scope, counted
from server.services.accounts.shopper_labels import ShopperLabels

VISIT_COLUMNS = ("visit_id", "finished_at_utc", "region", "branch_code", "branch_name", "shopper", "checklist",
                 "version", "status", "score_percent", "critical_failures", "flagged", "zeroed")


def visit_rows(session: Session, region: Region, scope: Scope, labels: ShopperLabels) -> Iterator[tuple]:
    """One tuple per counted visit at the region's branches, by branch code then date; shoppers as `labels` says."""
    query = (select(Visit, Branch, User.name, User.pseudonym, Template.name, TemplateVersion.number)
             .join(Branch, Branch.id == Visit.branch_id).join(User, User.id == Visit.shopper_id)
             .join(TemplateVersion, TemplateVersion.id == Visit.template_version_id)
             .join(Template, Template.id == TemplateVersion.template_id)
             .where(*counted(scope), Branch.region_id == region.id)
             .order_by(Branch.code, Visit.finished_at, Visit.id))
    for visit, branch, name, pseudonym, checklist, version in session.execute(query):
        yield (str(visit.id), visit.finished_at.strftime("%Y-%m-%d %H:%M"), region.name, branch.code, branch.name,
               labels.label(name, pseudonym), checklist, version, visit.status.value, visit.score_percent, visit.critical_failures,
               "yes" if visit.flagged else "no", "yes" if visit.zeroed else "no")
