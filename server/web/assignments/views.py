"""Assignments (/assignments, admins): list and filter, schedule one or a whole region, cancel, reassign."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_visible_or_404, login_required_role
from server.models import Assignment, AssignmentStatus, Branch, Region, Template
from server.services.errors import ServiceError
from server.services.org.organisation import cancel_assignment, create_assignment, reassign_assignment
from server.services.org.queries import assignment_choices, assignment_list
from server.services.org.scheduling import schedule_region
from server.services.transactions import atomic
from server.web.assignments.forms import FormErrors, due_window, pick, shopper
from server.web.common import attempt

bp = Blueprint("assignments", __name__, url_prefix="/assignments")
LIMIT = 500
"""Most rows one page lists (filters narrow it down)."""


def _filters() -> dict:
    args = request.args
    return {"region": args.get("region", ""), "status": args.get("status", "open"), "shopper": args.get("shopper", "")}


def _listing(filters: dict) -> tuple[list[Assignment], int]:
    status = filters["status"]
    return assignment_list(
        db.session,
        region_id=_number(filters["region"]),
        shopper_id=_number(filters["shopper"]),
        status=AssignmentStatus(status) if status in {s.value for s in AssignmentStatus} else None,
        limit=LIMIT,
    )


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _page(errors: FormErrors | None = None, form_name: str = "", status: int = 200):
    filters = _filters()
    rows, total = _listing(filters)
    return render_template(
        "assignments/index.html",
        rows=rows,
        total=total,
        filters=filters,
        errors=errors or {},
        form_name=form_name,
        form=request.form,
        statuses=list(AssignmentStatus),
        **assignment_choices(db.session),
    ), status


@bp.route("/", methods=["GET"])
@login_required_role("admin")
def index():
    """The assignments matching the filters (default: open), soonest due first, and the scheduling forms."""
    return _page()


@bp.route("/", methods=["POST"])
@login_required_role("admin")
@shows_text_errors
def create():
    """Schedule one assignment."""
    errors = FormErrors(form_text_errors())
    branch = pick(Branch, request.form, "branch", errors, "branch")
    template = pick(Template, request.form, "template", errors, "checklist")
    person = shopper(request.form.get("shopper"))
    if person is None:
        errors.add("shopper", "Choose a shopper.")
    due_from, due_to = due_window(request.form, errors)
    if errors:
        return _page(errors, "one", 422)
    assert person is not None and due_from is not None and due_to is not None  # a missing one added an error
    _, refused = attempt(
        create_assignment,
        db.session,
        shopper=person,
        branch=branch,
        template=template,
        due_from=due_from,
        due_to=due_to,
        notes=request.form.get("notes", "").strip(),
        actor=current_user,
    )
    errors.update(refused)
    if errors:
        return _page(errors, "one", 422)
    flash(f"Scheduled {person.name} at {branch.code} {branch.name}, due {due_from} to {due_to}.", "success")
    return redirect(url_for("assignments.index"))


@bp.route("/bulk", methods=["POST"])
@login_required_role("admin")
@shows_text_errors
def bulk():
    """Schedule every active branch of a region, the chosen shoppers taking turns."""
    errors = FormErrors(form_text_errors())
    region = pick(Region, request.form, "region", errors, "region")
    template = pick(Template, request.form, "template", errors, "checklist")
    people = [shopper(text) for text in request.form.getlist("shoppers")]
    if not people or None in people:
        errors.add("shoppers", "Choose one or more shoppers.")
    due_from, due_to = due_window(request.form, errors)
    if errors:
        return _page(errors, "bulk", 422)
    chosen = [person for person in people if person is not None]  # all of them: a missing one added an error
    assert due_from is not None and due_to is not None  # a missing one added an error
    made, refused = attempt(
        schedule_region,
        db.session,
        region,
        chosen,
        template,
        due_from,
        due_to,
        request.form.get("notes", "").strip(),
        actor=current_user,
    )
    errors.update(refused)
    if errors:
        return _page(errors, "bulk", 422)
    flash(
        f"Scheduled {len(made)} visits in {region.name} for {len(people)} shopper(s), due {due_from} to {due_to}.",
        "success",
    )
    return redirect(url_for("assignments.index", region=region.id))


def _back() -> str:
    """The list with the filters the form was sent from (hidden f_* fields), never a foreign URL."""
    kept: dict[str, Any] = {
        key: request.form[f"f_{key}"] for key in ("region", "status", "shopper") if request.form.get(f"f_{key}")
    }
    return url_for("assignments.index", **kept)


def _change(assignment_id: str, action, done: str):
    assignment = get_visible_or_404(Assignment, assignment_id)
    try:
        with atomic(db.session):
            action(assignment)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(_back())
    flash(f"Assignment at {assignment.branch.code} {assignment.branch.name} {done}.", "success")
    return redirect(_back())


@bp.route("/<assignment_id>/cancel", methods=["POST"])
@login_required_role("admin")
def cancel(assignment_id: str):
    """Withdraw an open assignment; the shopper's phone drops it at its next sync."""
    return _change(assignment_id, lambda a: cancel_assignment(db.session, a, actor=current_user), "cancelled")


@bp.route("/<assignment_id>/reassign", methods=["POST"])
@login_required_role("admin")
def reassign(assignment_id: str):
    """Give an open assignment to another shopper; both phones learn at their next sync."""
    person = shopper(request.form.get("shopper"))
    if person is None:
        flash("Choose the shopper to give the assignment to.", "error")
        return redirect(_back())
    return _change(
        assignment_id,
        lambda a: reassign_assignment(db.session, a, person, actor=current_user),
        f"given to {person.name}",
    )
