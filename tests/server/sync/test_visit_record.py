"""GET /api/v1/visits/<id>: the server's record of a visit for those who may see it, a 404 for everyone else."""

from __future__ import annotations

import uuid

import pytest

from server.models import Visit
from server.services.visits.reviews import return_for_correction
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import push, token_for, visit_doc


def record(client, token, visit_id):
    return client.get(f"/api/v1/visits/{visit_id}", headers=bearer(token))


def test_the_shopper_reads_their_visits_record(client, session, make, phone):
    doc = visit_doc(phone.assignment)
    doc["answers"][2]["value"] = "no"  # a critical question under the zero policy
    push(client, phone.token, doc)
    return_for_correction(session, make.user("admin"), session.get(Visit, uuid.UUID(doc["id"])), "Check the price")
    session.commit()
    response = record(client, phone.token, doc["id"])
    assert response.status_code == 200
    body = response.json
    assert {
        k: body[k]
        for k in (
            "id",
            "revision",
            "status",
            "score_percent",
            "flagged",
            "zeroed",
            "critical_failures",
            "missing_photos",
            "review_note",
        )
    } == {
        "id": doc["id"],
        "revision": 1,
        "status": "returned",
        "score_percent": 0.0,
        "flagged": False,
        "zeroed": True,
        "critical_failures": ["price_ok"],
        "missing_photos": [],
        "review_note": "Check the price",
    }
    assert [s["key"] for s in body["sections"]] == ["front", "till"]
    assert body["sections"][1] == {
        "key": "till",
        "title": "At the till",
        "earned": 0.0,
        "possible": 1.0,
        "percent": 0.0,
    }
    assert body["submitted_at"]


def test_a_manager_of_the_region_may_read_it_and_others_get_404(client, session, make, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    manager = make.user("manager", regions=[phone.assignment.branch.region])
    assert record(client, token_for(session, manager), doc["id"]).status_code == 200
    for outsider in (make.user("shopper"), make.user("manager", regions=[make.region()])):
        response = record(client, token_for(session, outsider), doc["id"])
        assert response.status_code == 404 and response.is_json


# A fixed unknown UUID, so that every pytest-xdist worker collects the same test ids.
@pytest.mark.parametrize("visit_id", ["0d5a7c3e-6b1f-4e2a-9c8d-3f4e5a6b7c8d", "not-a-uuid", "1", "%00"])
def test_unknown_or_malformed_ids_get_404(client, phone, visit_id):
    response = record(client, phone.token, visit_id)
    assert response.status_code == 404 and response.json["status"] == 404
