"""Background jobs: start a region report (or the ZIP of all regions), follow its progress, download the result."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from server.api.base import BEARER, Blueprint
from server.api.jobs_schemas import JobListArgs, JobSchema, JobStartSchema
from server.extensions import db
from server.http.access import login_required_role
from server.http.jobs import job_document, job_or_404, result_download, start_report
from server.permissions import READER_ROLES
from server.services.jobs.queries import listed_jobs

blp = Blueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1/jobs",
    description=(
        "Slow reports run in the background (docs/architecture.md, Jobs). POST starts one and answers 202 with the "
        "job; the same request while that job is still queued or running answers 200 with the same job (it joins, "
        "nothing is built twice). Poll GET /jobs/{id} for `status` and `percent`; when `status` is `done`, GET "
        "`result.url` for the file. A job is visible to the person who started it and to admins; any other id "
        "answers 404. Results are kept for FIELDAUDIT_JOB_RESULT_DAYS (7) days."
    ),
)


def _document(job):
    return job_document(job, "jobs.job_result")


@blp.route("", methods=["POST"])
@login_required_role(*READER_ROLES)
@blp.arguments(JobStartSchema)
@blp.response(202, JobSchema)
@blp.alt_response(200, schema=JobSchema, description="An identical job was already queued or running: this is it.")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.doc(security=BEARER)
def start_job(args):
    """Start a region report (`region_report` with `region_id`) or all of them (`all_regions_report`) for a period."""
    job, joined = start_report(args)
    location = {"Location": url_for("jobs.get_job", job_id=str(job.id))}
    return _document(job), 200 if joined else 202, location


@blp.route("", methods=["GET"])
@login_required_role()
@blp.arguments(JobListArgs, location="query")
@blp.response(200, JobSchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def list_jobs(args):
    """The caller's jobs, newest first (admins: everyone's, and the scheduler's upkeep while it runs or if it failed)."""
    jobs = listed_jobs(db.session, current_user, args["limit"])
    return [_document(job) for job in jobs]


@blp.route("/<job_id>", methods=["GET"])
@login_required_role()
@blp.response(200, JobSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_job(job_id: str):
    """One job: where it is, how far, and its result's link once done."""
    return _document(job_or_404(job_id))


@blp.route("/<job_id>/result", methods=["GET"])
@login_required_role()
@blp.response(200)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "The result file (PDF or ZIP) as an attachment.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def job_result(job_id: str):
    """The result file of a done job (404 while it runs, after it failed or once it expired)."""
    return result_download(job_or_404(job_id))
