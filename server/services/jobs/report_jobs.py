"""Region PDFs as jobs: one region, or every region the person may see as a ZIP (the slow reports leave the request).

The job runs as the person who started it: their right to see each region is asked again when it runs,
so a manager moved off a region meanwhile gets a failure that says so, not the region's report.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from typing import Any

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Job, Region, User
from server.permissions import can_view_region, visible_regions_query
from server.services.errors import NotAllowed, NotFound
from server.services.jobs.kinds import JobContext, JobKind, JobOutput
from server.services.jobs.launch import JobSubmitter, launch
from server.services.reports.files import region_pdf
from server.services.scores import Scope
from server.services.scores.filters import Period

SPOOL_BYTES = 16 * 1024 * 1024
"""A ZIP of region PDFs stays in memory up to this size, then goes to a temporary file."""


def scope_params(scope: Scope) -> dict[str, Any]:
    """The period and checklist as job parameters (JSON), resolved so the same request dedupes to the same job."""
    return {
        "from": scope.period.start.isoformat(),
        "to": scope.period.end.isoformat(),
        "template_id": scope.template_id,
    }


def _scope(params: dict[str, Any]) -> Scope:
    return Scope(Period(date.fromisoformat(params["from"]), date.fromisoformat(params["to"])), params["template_id"])


def _owner(context: JobContext) -> User:
    owner = context.session.get(User, context.owner_id) if context.owner_id is not None else None
    if owner is None or not owner.active:
        raise NotAllowed(None, "The account that started this report is no longer active.")
    return owner


def _region_report(context: JobContext) -> JobOutput:
    owner = _owner(context)
    region = context.session.get(Region, context.params["region_id"])
    if region is None or not can_view_region(owner, region):
        raise NotFound("region_id", "This region no longer exists or is no longer yours to see.")
    context.progress(10, f"Building the report of {region.name}")
    report = region_pdf(context.session, region, _scope(context.params))
    return JobOutput(report.filename, report.mimetype, io.BytesIO(report.content))


def _all_regions_report(context: JobContext) -> JobOutput:
    owner = _owner(context)
    regions = list(context.session.scalars(visible_regions_query(owner).order_by(Region.code)))
    if not regions:
        raise NotFound(None, "There is no region for you to report on.")
    scope = _scope(context.params)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the runner, which closes it
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for number, region in enumerate(regions):
                context.progress(100 * number // len(regions), f"Region {region.code} ({number + 1} of {len(regions)})")
                report = region_pdf(context.session, region, scope)
                archive.writestr(report.filename, report.content)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    start, end = context.params["from"], context.params["to"]
    return JobOutput(f"regions-{start}-{end}.zip", "application/zip", spool)  # type: ignore[arg-type]  # a binary file


REGION_REPORT = JobKind("region_report", _region_report, timeout=900)
ALL_REGIONS_REPORT = JobKind("all_regions_report", _all_regions_report, timeout=3600)


def start_region_report(
    session: DbSession, submitter: JobSubmitter, owner: User, region: Region, scope: Scope
) -> tuple[Job, bool]:
    """Queue the region's PDF for the period (the caller checked the owner may see the region): (job, joined)."""
    params = {"region_id": region.id, **scope_params(scope)}
    title = f"Region report {region.name} ({region.code}), {scope.period.start} to {scope.period.end}"
    return launch(session, submitter, REGION_REPORT, params, owner, title)


def start_all_regions_report(
    session: DbSession, submitter: JobSubmitter, owner: User, scope: Scope
) -> tuple[Job, bool]:
    """Queue a ZIP of the PDF of every region the owner may see, for the period: (job, joined)."""
    if session.scalar(select(visible_regions_query(owner).exists())) is not True:
        raise NotFound(None, "There is no region for you to report on.")
    title = f"All region reports, {scope.period.start} to {scope.period.end}"
    return launch(session, submitter, ALL_REGIONS_REPORT, scope_params(scope), owner, title)
