"""A visit's server record for the phone (and any caller allowed to see the visit)."""

from __future__ import annotations

from server.api.base import BEARER, Blueprint
from server.api.sync_schemas import VisitRecordSchema
from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.models import Visit
from server.services.visits.state import visit_record

blp = Blueprint(
    "visits",
    __name__,
    url_prefix="/api/v1/visits",
    description="The server's record of a visit: status, revision, scores, missing photos.",
)


@blp.route("/<visit_id>", methods=["GET"])
@login_required_role()
@blp.response(200, VisitRecordSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_visit(visit_id: str):
    """The caller's own visit (admins and managers: those they may see); any other id is a 404."""
    return visit_record(db.session, get_visible_or_404(Visit, visit_id))
