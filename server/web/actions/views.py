"""Corrective action pages (/actions): thin handlers over services/actions; admins and managers, in their scope.

Lists share one template and one set of filters (status, branch, region, overdue, owner), and each list downloads
as CSV with the same filters. Actions, branches and regions outside the reader's scope answer 404; shoppers 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_visible_or_404, login_required_role
from server.models import ActionPriority, ActionStatus, Branch, CorrectiveAction, Region
from server.permissions import (
    READER_ROLES,
    can_manage_actions_at,
    can_work_on_action,
    visible_branches_query,
    visible_regions_query,
)
from server.services.actions.contacts import set_branch_contact
from server.services.actions.evidence import add_evidence, open_evidence
from server.services.actions.queries import (
    CSV_HEADER,
    ActionFilters,
    action_history,
    csv_rows,
    filters_from,
    list_actions,
    owner_choices,
    today,
)
from server.services.actions.raising import raise_action, visit_to_raise_from
from server.services.actions.workflow import (
    LABELS,
    add_comment,
    allowed_statuses,
    assign_owner,
    change_status,
    set_due_date,
    set_priority,
)
from server.services.checklists.versions import checklist_of
from server.services.errors import NotFound, ServiceError
from server.services.photos.renditions import max_pixels
from server.storage import current_files
from server.storage.base import NotStored
from server.web.common import attempt
from server.web.dashboard.csv_export import csv_response

bp = Blueprint("actions", __name__, url_prefix="/actions")
DEFAULT_DUE_DAYS = 14
"""A hand-raised action's due date, as first offered on the form."""


@bp.before_request
@login_required_role(*READER_ROLES)
def readers_only():
    """Every page here: anonymous -> sign-in page, shoppers -> 403."""
    return None


def _user():
    return current_user._get_current_object()


def _filters(**fixed: str) -> tuple[ActionFilters, dict]:
    """The list's filters from the query string (with `fixed` ones of the page); a bad one is shown, not applied."""
    try:
        return filters_from({**request.args.to_dict(), **fixed}), {}
    except ServiceError as exc:
        return filters_from(fixed), exc.as_errors()


def _query(args: dict[str, str]) -> str:
    return "?" + urlencode(args) if args else ""


def _list_page(heading: str, fixed: dict[str, str], **context):
    filters, errors = _filters(**fixed)
    page = render_template(
        "actions/list.html",
        heading=heading,
        actions=list_actions(db.session, _user(), filters),
        filters=filters,
        fixed=fixed,
        errors=errors,
        today=today(),
        labels=LABELS,
        statuses=list(ActionStatus),
        branches=db.session.scalars(visible_branches_query(_user())).all(),
        regions=db.session.scalars(visible_regions_query(_user())).all(),
        csv_url=url_for("actions.export_csv") + _query(filters.as_args()),
        **context,
    )
    return page, 400 if errors else 200


@bp.route("/")
def index():
    """Every action the reader may see, filtered."""
    return _list_page("Actions", {})


@bp.route("/mine")
def mine():
    """The actions the reader owns."""
    return _list_page("My actions", {"owner": "me"})


@bp.route("/branches/<int:branch_id>")
def branch(branch_id: int):
    """One branch's actions."""
    found = get_visible_or_404(Branch, branch_id)
    manages = can_manage_actions_at(_user(), found)
    return _list_page(
        f"Actions at {found.name}",
        {"branch": str(found.id)},
        branch=found,
        contact_options=_owner_options(found) if manages else [],
    )


@bp.route("/branches/<int:branch_id>/contact", methods=["POST"])
def branch_contact(branch_id: int):
    """Name the branch contact, who owns the actions raised automatically for the branch from now on."""
    found = get_visible_or_404(Branch, branch_id)
    _, errors = attempt(set_branch_contact, db.session, _user(), found, request.form.get("contact", ""))
    if errors:
        flash(" ".join(text for texts in errors.values() for text in texts), "error")
    else:
        flash("Branch contact saved.", "success")
    return redirect(url_for("actions.branch", branch_id=found.id))


@bp.route("/regions/<int:region_id>/overdue")
def region_overdue(region_id: int):
    """A region's overdue actions (open or in progress past their due date)."""
    found = get_visible_or_404(Region, region_id)
    return _list_page(f"Overdue actions in {found.name}", {"region": str(found.id), "overdue": "1"}, region=found)


@bp.route("/export.csv")
def export_csv():
    """The filtered list as CSV (every cell safe for spreadsheets)."""
    filters, errors = _filters()
    if errors:
        abort(400)
    return csv_response("actions.csv", CSV_HEADER, csv_rows(list_actions(db.session, _user(), filters)))


PRIORITY_OPTIONS = [(priority.value, priority.value.title()) for priority in ActionPriority]


def _owner_options(branch: Branch) -> list[tuple[str, str]]:
    return [("", "Nobody yet")] + [(str(user.id), user.name) for user in owner_choices(db.session, branch)]


def _question_text(visit, key: str | None) -> str:
    checklist = checklist_of(visit.template_version) if visit is not None else None
    return checklist.question(key).text if checklist is not None and key and checklist.has_question(key) else ""


@bp.route("/new", methods=["GET", "POST"])
@shows_text_errors
def new():
    """Raise an action by hand for a branch, optionally from one answer of a visit (the visit page links here)."""
    source = request.form if request.method == "POST" else request.args
    try:
        visit = visit_to_raise_from(db.session, _user(), source.get("visit"))
    except ServiceError:
        abort(404)
    found = visit.branch if visit is not None else get_visible_or_404(Branch, source.get("branch", ""))
    if not can_manage_actions_at(_user(), found):
        abort(403)
    question = source.get("question") or None
    values: dict[str, Any] = {
        "title": source.get("title", f"Fix: {_question_text(visit, question)}" if question else ""),
        "description": source.get("description", ""),
        "due_on": source.get("due_on", (today() + timedelta(days=DEFAULT_DUE_DAYS)).isoformat()),
        "priority": source.get("priority", "normal"),
        "owner": source.get("owner", str(found.contact.id if found.contact else "")),
    }
    errors: dict = {}
    if request.method == "POST" and not (errors := form_text_errors()):
        made, errors = attempt(raise_action, db.session, _user(), found, visit=visit, question_key=question, **values)
        if not errors:
            flash("Action raised.", "success")
            return redirect(url_for("actions.show", action_id=made.id))
    page = render_template(
        "actions/new.html",
        branch=found,
        visit=visit,
        question=question,
        question_text=_question_text(visit, question),
        values=values,
        errors=errors,
        owner_options=_owner_options(found),
        priority_options=PRIORITY_OPTIONS,
    )
    return page, 422 if errors else 200


@bp.route("/<int:action_id>")
def show(action_id: int):
    """One action: what, where, who, by when, its history, and what the reader may do to it."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    manages = can_manage_actions_at(_user(), action.branch)
    return render_template(
        "actions/show.html",
        action=action,
        history=action_history(db.session, action),
        next_statuses=allowed_statuses(_user(), action),
        manages=manages,
        can_work=can_work_on_action(_user(), action),
        owner_options=_owner_options(action.branch) if manages else [],
        priority_options=PRIORITY_OPTIONS,
        question_text=_question_text(action.visit, action.question_key),
        labels=LABELS,
        today=today(),
    )


def _done(action: CorrectiveAction, errors: dict, message: str):
    if errors:
        flash(" ".join(text for texts in errors.values() for text in texts), "error")
    else:
        flash(message, "success")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.route("/<int:action_id>/status", methods=["POST"])
def status(action_id: int):
    """Move the action to another status (cancelling needs a reason)."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    wanted = request.form.get("status", "")
    _, errors = attempt(change_status, db.session, _user(), action, wanted, request.form.get("reason", ""))
    label = LABELS.get(ActionStatus(wanted), wanted) if wanted in {s.value for s in ActionStatus} else wanted
    return _done(action, errors, f"The action is now {label.lower()}.")


@bp.route("/<int:action_id>/comment", methods=["POST"])
@shows_text_errors
def comment(action_id: int):
    """Add a comment to the action's history."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    errors = form_text_errors()
    if not errors:
        _, errors = attempt(add_comment, db.session, _user(), action, request.form.get("comment", ""))
    return _done(action, errors, "Comment added.")


@bp.route("/<int:action_id>/evidence", methods=["POST"])
@shows_text_errors
def evidence(action_id: int):
    """Upload a photo as evidence of the fix (JPEG, PNG or WebP)."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    upload = request.files.get("photo")
    errors = form_text_errors()
    if not errors and (upload is None or not upload.filename):
        errors = {"photo": ["Choose a photo to upload."]}
    if not errors and upload is not None:
        _, errors = attempt(
            add_evidence,
            db.session,
            current_files(),
            _user(),
            action,
            upload.stream,
            upload.mimetype,
            caption=request.form.get("caption", ""),
            max_pixels=max_pixels(),
        )
    return _done(action, errors, "Photo added.")


@bp.route("/<int:action_id>/evidence/<evidence_id>")
def evidence_photo(action_id: int, evidence_id: str):
    """An evidence photo (`?size=thumb` for the small one), as private as its action."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    size = "thumb" if request.args.get("size") == "thumb" else "page"
    try:
        stream = open_evidence(current_files(), action, evidence_id, size)
    except (NotFound, NotStored):
        abort(404)
    response = send_file(stream, mimetype="image/jpeg", download_name=f"evidence-{action.id}-{size}.jpg")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _edit(action: CorrectiveAction) -> CorrectiveAction:
    """Owner, due date and priority from the form, as one transaction (each change its own history event)."""
    form = request.form
    assign_owner(db.session, _user(), action, form.get("owner", ""))
    set_due_date(db.session, _user(), action, form.get("due_on", ""))
    set_priority(db.session, _user(), action, form.get("priority", ""))
    return action


@bp.route("/<int:action_id>/edit", methods=["POST"])
def edit(action_id: int):
    """Change the owner, the due date and the priority (admins and the region's managers)."""
    action = get_visible_or_404(CorrectiveAction, action_id)
    _, errors = attempt(_edit, action)
    return _done(action, errors, "Action saved.")
