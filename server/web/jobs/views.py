"""The jobs pages: the list of mine (admins: everyone's), one job with its progress bar, its JSON for the poller,
its result; and the form posts that start the region reports from the dashboard."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from server.extensions import db
from server.http.access import login_required_role
from server.http.jobs import JobStartSchema, job_document, job_or_404, result_download, start_report
from server.permissions import READER_ROLES
from server.services.jobs.queries import listed_jobs
from shared.errors import flatten_messages

bp = Blueprint("job_pages", __name__, url_prefix="/jobs")

LIST_LIMIT = 100


@bp.route("/")
@login_required_role()
def index():
    """My jobs, newest first (admins: everyone's, the scheduler's upkeep included)."""
    jobs = listed_jobs(db.session, current_user, LIST_LIMIT)
    return render_template("jobs/index.html", jobs=jobs, limit=LIST_LIMIT)


@bp.route("/<job_id>")
@login_required_role()
def job(job_id: str):
    """One job: its progress bar while it runs, the download once done, the reason if it failed."""
    return render_template("jobs/job.html", job=job_or_404(job_id))


@bp.route("/<job_id>.json")
@login_required_role()
def job_json(job_id: str):
    """The job's state for the page's poller (static/js/jobs.js)."""
    response = jsonify(job_document(job_or_404(job_id), "job_pages.result"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<job_id>/result")
@login_required_role()
def result(job_id: str):
    """The result file of a done job."""
    return result_download(job_or_404(job_id))


@bp.route("/reports", methods=["POST"])
@login_required_role(*READER_ROLES)
def start_report_job():
    """Start (or join) a region report or the all-regions ZIP from the dashboard's buttons, then show its page."""
    try:
        fields = {name: value for name, value in request.form.items() if name != "csrf_token" and value != ""}
        args = JobStartSchema().load(fields)
    except ValidationError as exc:
        flash(
            "The report could not be started: "
            + "; ".join(f"{path}: {text}" for path, text in flatten_messages(exc.messages)),
            "error",
        )
        return redirect(url_for("dashboard.index"))
    started, joined = start_report(args)
    if joined:
        flash("The same report was already being built: this is it, nothing is built twice.", "info")
    return redirect(url_for("job_pages.job", job_id=str(started.id)))
