"""Background jobs over HTTP, for the API (/api/v1/jobs) and the web pages (/jobs): start, look, download."""

from __future__ import annotations

from typing import Any

from flask import abort, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError, fields, validate, validates_schema

from server.extensions import db
from server.http.access import get_visible_or_404
from server.http.score_args import PeriodArgs, scope_or_422
from server.models import Job, JobStatus, Region
from server.permissions import MAX_INT_ID
from server.queue import current_queue
from server.services.jobs.report_jobs import start_all_regions_report, start_region_report
from server.storage import NotStored, current_files

REPORT_KINDS = ("region_report", "all_regions_report")
"""What a person may start by hand (the rest are the scheduler's upkeep)."""


class JobStartSchema(PeriodArgs):
    """A report to build in the background: one region's PDF, or a ZIP of every region's the caller may see."""

    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    region_id = fields.Integer(
        validate=validate.Range(1, MAX_INT_ID), metadata={"description": "the region (kind region_report only)"}
    )

    @validates_schema
    def _region_for_region_report(self, data, **kwargs):
        if data.get("kind") == "region_report" and data.get("region_id") is None:
            raise ValidationError("a region_report needs the region_id", field_name="region_id")
        if data.get("kind") == "all_regions_report" and data.get("region_id") is not None:
            raise ValidationError(
                "an all_regions_report covers every region you may see: leave region_id out", field_name="region_id"
            )


def start_report(args: dict[str, Any]) -> tuple[Job, bool]:
    """Start (or join) a region report or the all-regions ZIP for the parsed request `args`; 404 for a foreign region."""
    scope = scope_or_422(args)
    user = current_user._get_current_object()
    if args["kind"] == "region_report":
        region = get_visible_or_404(Region, args["region_id"])
        return start_region_report(db.session, current_queue(), user, region, scope)
    return start_all_regions_report(db.session, current_queue(), user, scope)


def job_or_404(job_id: str) -> Job:
    """The job if the caller started it (admins: any job), else 404."""
    return get_visible_or_404(Job, job_id)


def job_document(job: Job, result_endpoint: str) -> dict[str, Any]:
    """What the API and the page's poller show of a job: state, percent, message, and the result's link once done."""
    done = job.status is JobStatus.DONE and job.result_name is not None
    return {
        "id": str(job.id),
        "kind": job.kind,
        "title": job.title,
        "status": job.status.value,
        "percent": job.progress,
        "message": job.message,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "result": {
            "filename": job.result_filename,
            "size": job.result_size,
            "sha256": job.result_sha256,
            "url": url_for(result_endpoint, job_id=str(job.id)),
        }
        if done
        else None,
    }


def result_download(job: Job):
    """The job's result file as an attachment, streamed from the file store; 404 until it is done or once expired."""
    if job.status is not JobStatus.DONE or job.result_name is None:
        abort(404)
    try:
        stream = current_files().open(job.result_name)
    except NotStored:
        abort(404)
    response = send_file(
        stream,
        mimetype=job.result_mimetype or "application/octet-stream",
        as_attachment=True,
        download_name=job.result_filename or "result",
        conditional=False,
        etag=job.result_sha256 or False,
    )
    if job.result_size is not None:
        response.content_length = job.result_size
    response.headers["Cache-Control"] = "private, no-store"
    return response
