"""The review queue (/review, admins): submitted visits oldest first; approve, reject or return each, then the next."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_visible_or_404, login_required_role
from server.models import Visit, VisitStatus
from server.services.accounts.shopper_labels import labels_for
from server.services.visits.queries import queue_place, waiting
from server.services.visits.reviews import approve_visit, reject_visit, return_for_correction
from server.services.visits.visit_page import visit_view
from server.web.common import attempt

bp = Blueprint("review", __name__, url_prefix="/review")

DECISIONS = {
    "approve": (approve_visit, "approved"),
    "reject": (reject_visit, "rejected"),
    "return": (return_for_correction, "returned for correction"),
}
NOTE_NEEDED = {"reject": "Say why the visit is rejected.", "return": "Say what the shopper should correct."}


@bp.route("/")
@login_required_role("admin")
def queue():
    """Submitted visits to decide on, and those still awaiting photos."""
    return render_template(
        "reviews/queue.html",
        submitted=waiting(db.session, VisitStatus.SUBMITTED),
        awaiting=waiting(db.session, VisitStatus.AWAITING_PHOTOS),
    )


def _page(visit: Visit, errors: dict | None = None, note: str = "", status: int = 200):
    position, queue_length = queue_place(db.session, visit.id)
    return render_template(
        "reviews/visit.html",
        errors=errors or {},
        note=note,
        position=position,
        queue_length=queue_length,
        **visit_view(db.session, visit, labels_for(current_user)),
    ), status


@bp.route("/visits/<visit_id>", methods=["GET"])
@login_required_role("admin")
def visit(visit_id: str):
    """The visit page with the decision form."""
    return _page(get_visible_or_404(Visit, visit_id))


@bp.route("/visits/<visit_id>", methods=["POST"])
@login_required_role("admin")
@shows_text_errors
def decide(visit_id: str):
    """Record the decision (who and when), then open the next submitted visit in the queue."""
    found = get_visible_or_404(Visit, visit_id)
    action, note = request.form.get("decision", ""), request.form.get("note", "").strip()
    if errors := form_text_errors():
        return _page(found, errors, note, 422)
    if action not in DECISIONS:
        return _page(found, {"decision": ["Choose approve, reject or return for correction."]}, note, 422)
    if action in NOTE_NEEDED and not note:
        return _page(found, {"note": [NOTE_NEEDED[action]]}, note, 422)
    service, done = DECISIONS[action]
    _, refused = attempt(service, db.session, current_user._get_current_object(), found, note)
    if refused:
        return _page(
            found,
            {field if field == "note" else "decision": messages for field, messages in refused.items()},
            note,
            422,
        )
    flash(f"Visit at {found.branch.name} on {found.finished_at:%Y-%m-%d} {done}.", "success")
    following = waiting(db.session, VisitStatus.SUBMITTED)
    if following:
        return redirect(url_for("review.visit", visit_id=following[0].id))
    flash("The review queue is empty.", "success")
    return redirect(url_for("review.queue"))
