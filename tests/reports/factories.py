"""Small builders of report input for tests: sample data with some fields replaced."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from reports.data import ReportHeader, VisitReportData

NOW = datetime(2026, 4, 2, 8, 15, tzinfo=UTC)


def bare_header(title: str = "Report") -> ReportHeader:
    """A header with no logo and no filters."""
    return ReportHeader(title=title, generated_at=NOW)


def bare_visit(**changes) -> VisitReportData:
    """A visit with nothing in it but the required fields (then `changes`)."""
    base = VisitReportData(
        header=bare_header("Visit report"),
        branch_name="Leeds",
        branch_code="LDS",
        region_name="North",
        visit_date=date(2026, 3, 1),
        shopper="anonymised",
        template_title="Checklist",
        version_number=1,
        status="submitted",
        score=None,
    )
    return dataclasses.replace(base, **changes)
