"""POST /api/v1/sync/push: one result per visit, each visit stored whole or not at all, retries always safe."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.models import Change, Visit, VisitStatus
from tests.server.sync.helpers import PHOTO_CHECKLIST, assign, counts, photo_entry, push, snapshot, token_for, visit_doc


def test_a_new_visit_is_created_scored_and_announced_to_the_shoppers_other_devices(client, session, phone):
    doc = visit_doc(phone.assignment)
    [result] = push(client, phone.token, doc)
    assert result == {"id": doc["id"], "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.shopper_id, visit.status, visit.score_percent) == (phone.shopper.id, VisitStatus.SUBMITTED, 87.5)
    change = session.scalar(select(Change).where(Change.entity == "visit"))
    assert (change.entity_id, change.audience_user_id) == (doc["id"], phone.shopper.id)


def test_a_visit_with_photos_waits_for_them_and_lists_them(client, session, make):
    shopper = make.user("shopper")
    assignment = assign(session, make, shopper=shopper, template=make.template(PHOTO_CHECKLIST))
    photo = photo_entry()
    [result] = push(client, token_for(session, shopper), visit_doc(assignment, photos=[photo]))
    assert (result["result"], result["status"], result["missing_photos"]) == (
        "created",
        "awaiting_photos",
        [photo["id"]],
    )


def test_pushing_the_same_batch_again_answers_unchanged_and_stores_nothing_more(client, session, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    before = counts(session)
    [again] = push(client, phone.token, doc)
    assert again == {"id": doc["id"], "result": "unchanged", "revision": 1, "status": "submitted", "missing_photos": []}
    assert counts(session) == before


def test_the_same_visit_with_other_content_is_a_conflict_that_leaves_the_stored_visit_untouched(client, session, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    before, stored = counts(session), snapshot(session, doc["id"])
    changed = visit_doc(phone.assignment, id=doc["id"], answers=[{"question": "greeted", "value": "no"}])
    [result] = push(client, phone.token, changed)
    assert (result["result"], result["revision"]) == ("conflict", 1)
    assert "different content" in result["message"]
    assert snapshot(session, doc["id"]) == stored and counts(session) == before


def test_one_bad_visit_does_not_sink_the_batch(client, session, make, phone):
    second = assign(session, make, shopper=phone.shopper)
    good, bad, also_good = (
        visit_doc(phone.assignment),
        visit_doc(second, answers=[{"question": "clean", "value": 9}]),
        visit_doc(second),
    )
    results = push(client, phone.token, good, bad, also_good)
    assert [r["result"] for r in results] == ["created", "invalid", "created"]
    assert [r["id"] for r in results] == [good["id"], bad["id"], also_good["id"]]
    assert set(results[1]["errors"]) == {"answers[0].value", "answers"}
    assert results[1]["message"].startswith("Not stored: ")
    assert session.scalar(select(Visit).where(Visit.id == uuid.UUID(bad["id"]))) is None
    assert counts(session)["Visit"] == 2


def test_a_document_that_is_not_a_visit_is_invalid_with_field_paths(client, phone):
    results = push(client, phone.token, "text", {"id": "not-a-uuid"}, None, [1, 2])
    assert [r["result"] for r in results] == ["invalid"] * 4
    assert results[1]["id"] == "not-a-uuid" and {"id", "branch_id", "template_version_id"} <= set(results[1]["errors"])
    assert results[0]["errors"] == {"_schema": ["a visit must be a JSON object"]}
