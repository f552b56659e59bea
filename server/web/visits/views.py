"""Visit pages (/visits/<id>) and their photos, for admins and for managers of the visit's region."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.models import Visit
from server.permissions import READER_ROLES, can_manage_actions_at
from server.services.accounts.shopper_labels import labels_for
from server.services.actions.queries import actions_from_visit
from server.services.photos.uploads import PhotoNotFound, StoredPhoto, open_photo, open_rendition
from server.services.visits.visit_page import visit_view
from server.storage import current_storage

CACHE_SECONDS = 3600
bp = Blueprint("visit_pages", __name__, url_prefix="/visits")


@bp.route("/<visit_id>")
@login_required_role(*READER_ROLES)
def show(visit_id: str):
    """One visit: header, sections, every answer with comments and photos, position, time on site, history."""
    visit = get_visible_or_404(Visit, visit_id)
    view = visit_view(db.session, visit, labels_for(current_user))
    return render_template(
        "visits/show.html",
        **view,
        can_raise_actions=can_manage_actions_at(current_user, visit.branch),
        visit_actions=actions_from_visit(db.session, current_user, visit.id),
    )


@bp.route("/<visit_id>/photos/<photo_id>")
@login_required_role(*READER_ROLES)
def photo(visit_id: str, photo_id: str):
    """A photo's downscaled JPEG (`?size=thumb` for the small one), never the original, with the API's visibility check."""
    size = "thumb" if request.args.get("size") == "thumb" else "page"
    try:
        stored = open_rendition(
            db.session, current_storage(), current_user._get_current_object(), visit_id, photo_id, size
        )
    except PhotoNotFound:
        abort(404)
    return _photo_response(stored)


@bp.route("/<visit_id>/photos/<photo_id>/original")
@login_required_role("admin")
def original(visit_id: str, photo_id: str):
    """The original file as the phone sent it, as a download, for admins (evidence at full resolution)."""
    try:
        stored = open_photo(db.session, current_storage(), current_user._get_current_object(), visit_id, photo_id)
    except PhotoNotFound:
        abort(404)
    return _photo_response(stored, attachment=True)


def _photo_response(stored: StoredPhoto, attachment: bool = False):
    """The photo's bytes, private and cacheable, typed, never sniffed; ETag and conditional requests."""
    response = send_file(
        stored.stream,
        mimetype=stored.content_type,
        download_name=stored.filename,
        as_attachment=attachment,
        conditional=False,
        etag=stored.sha256,
        last_modified=stored.completed_at,
    )
    response.content_length = stored.size
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)
