"""Helpers for the sync tests: valid visit documents, pushes over HTTP, and a snapshot of what is stored."""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from server.models import Answer, Change, Photo, Visit, VisitRevision, VisitSectionScore
from server.services.accounts.tokens import issue_token
from server.services.org.organisation import create_assignment
from server.services.photos.budgets import PhotoLimits
from server.services.transactions import atomic
from server.services.visits.record import record_visit
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import bearer

PUSH = "/api/v1/sync/push"
CHANGES = "/api/v1/sync/changes"
PHOTO_CHECKLIST = copy.deepcopy(SMALL_CHECKLIST)
PHOTO_CHECKLIST["sections"][0]["questions"].append(
    {"key": "front_photo", "text": "Photo of the front", "type": "photo", "required": True}
)


def token_for(session, user) -> str:
    """A fresh bearer token for `user` (committed: the requests read it in their own sessions)."""
    plaintext = issue_token(session, user, "Test phone")[1]
    session.commit()
    return plaintext


def assign(session, make, *, shopper=None, branch=None, template=None):
    """An assignment made through the service (committed), so its change rows exist as in production."""
    today = date.today()
    shopper, branch, template = shopper or make.user("shopper"), branch or make.branch(), template or make.template()
    with atomic(session):
        return create_assignment(
            session, shopper=shopper, branch=branch, template=template, due_from=today, due_to=today + timedelta(days=7)
        )


def visit_doc(assignment, **changes) -> dict:
    """A valid visit for SMALL_CHECKLIST at the assignment's branch."""
    version = assignment.template.latest_published()
    doc = {
        "id": str(uuid.uuid4()),
        "template_version_id": version.id,
        "assignment_id": str(assignment.id),
        "branch_id": assignment.branch_id,
        "started_at": "2026-03-02T09:14:03Z",
        "finished_at": "2026-03-02T09:52:40Z",
        "location": {"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12.0},
        "answers": [
            {"question": "greeted", "value": "yes"},
            {"question": "clean", "value": 4},
            {"question": "price_ok", "value": "yes"},
            {"question": "notes", "value": "All fine."},
        ],
    }
    doc.update(changes)
    return doc


def record_and_commit(session, shopper, document, **options):
    """record_visit as an edge calls it: with the app's photo limits, in its own transaction (committed)."""
    with atomic(session):
        return record_visit(session, shopper, document, limits=PhotoLimits.from_config(current_app.config), **options)


def photo_entry(question: str = "front_photo") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "question": question,
        "sha256": "ab" * 32,
        "size": 1234,
        "content_type": "image/jpeg",
    }


def push(client, token: str, *docs, status: int = 200):
    """POST the documents as one batch; returns the results list (or the response when not 200)."""
    response = client.post(PUSH, json={"visits": list(docs)}, headers=bearer(token))
    assert response.status_code == status, response.json
    return response.json["results"] if status == 200 else response


def pull_all(client, token: str, since: str = "", limit: int = 200) -> tuple[list[dict], str]:
    """Every change after `since`, page by page as the phone does; returns the changes and the last cursor."""
    changes, cursor = [], since
    for _ in range(1000):
        page = client.get(CHANGES, query_string={"since": cursor, "limit": limit}, headers=bearer(token))
        assert page.status_code == 200, page.json
        changes += page.json["changes"]
        cursor = page.json["cursor"]
        if not page.json["more"]:
            return changes, cursor
    raise AssertionError("the pull never ended")


def counts(session) -> dict:
    """Rows per visit table and change rows: nothing half-written shows here."""
    models = (Visit, Answer, VisitSectionScore, Photo, VisitRevision, Change)
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


def snapshot(session, visit_id) -> dict:
    """Everything stored about one visit, as plain data, to compare before and after."""
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(str(visit_id)))
    columns = {c.key: getattr(visit, c.key) for c in Visit.__table__.columns}
    return {
        "visit": columns,
        "answers": [(a.question_key, a.value, a.na, a.comment, a.earned) for a in visit.answers],
        "sections": [(s.section_key, s.earned, s.possible, s.percent) for s in visit.section_scores],
        "photos": sorted((str(p.id), p.sha256) for p in visit.photos),
        "revisions": [(r.revision, r.base_revision, r.content_hash, r.document) for r in visit.revisions],
    }
