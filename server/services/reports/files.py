"""PDF reports as files: data from the services, bytes from the reports builders, and a safe file name.

The one path for every download (API, web pages, CLI), so a PDF always shows the numbers the API shows.
The builders are imported on first use, so reportlab loads only in processes that make a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.extensions import DbSession
from server.models import Branch, Region, Visit
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.reports.data import branch_report_data, region_report_data
from server.services.reports.visit_data import visit_report_data
from server.services.scores import Scope
from server.storage import PhotoStorage

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: its download name and its PDF bytes."""

    filename: str
    content: bytes

    mimetype = "application/pdf"


def _name(*parts: str) -> str:
    return "-".join(_UNSAFE.sub("_", part).strip("_") or "_" for part in parts) + ".pdf"


def _dates(scope: Scope) -> tuple[str, str]:
    return scope.period.start.isoformat(), scope.period.end.isoformat()


def visit_pdf(visit: Visit, storage: PhotoStorage | None, *, labels: ShopperLabels) -> ReportFile:
    """The one-visit report, naming the shopper as `labels` says (services.shopper_labels)."""
    from reports.visit import build_visit_report

    content = build_visit_report(visit_report_data(visit, storage, labels=labels))
    return ReportFile(
        _name("visit", visit.branch.code, visit.finished_at.date().isoformat(), str(visit.id)[:8]), content
    )


def branch_pdf(session: DbSession, branch: Branch, scope: Scope, *, labels: ShopperLabels) -> ReportFile:
    """The branch report for a period, naming shoppers as `labels` says."""
    from reports.branch import build_branch_report

    content = build_branch_report(branch_report_data(session, branch, scope, labels=labels))
    return ReportFile(_name("branch", branch.code, *_dates(scope)), content)


def region_pdf(session: DbSession, region: Region, scope: Scope) -> ReportFile:
    """The region report for a period."""
    from reports.region import build_region_report

    content = build_region_report(region_report_data(session, region, scope))
    return ReportFile(_name("region", region.code, *_dates(scope)), content)
