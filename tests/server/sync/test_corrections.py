"""Review decisions and corrections: a returned visit comes back to its shopper and is resubmitted as revision 2."""

from __future__ import annotations

import uuid

import pytest

from server.models import AssignmentStatus, Visit, VisitStatus
from server.services.visits.reviews import (
    ReviewError,
    ReviewForbidden,
    approve_visit,
    reject_visit,
    return_for_correction,
)
from tests.server.sync.helpers import (
    PHOTO_CHECKLIST,
    assign,
    counts,
    photo_entry,
    pull_all,
    push,
    snapshot,
    token_for,
    visit_doc,
)


@pytest.fixture
def admin(make):
    return make.user("admin")


def pushed(client, session, phone, **changes) -> tuple[dict, Visit]:
    doc = visit_doc(phone.assignment, **changes)
    push(client, phone.token, doc)
    session.expire_all()  # the push ran in its own session; drop what this one read before it
    return doc, session.get(Visit, uuid.UUID(doc["id"]))


def test_a_returned_visit_reaches_the_phone_and_its_correction_becomes_revision_2(client, session, phone, admin):
    doc, visit = pushed(client, session, phone)
    _, cursor = pull_all(client, phone.token)
    return_for_correction(session, admin, visit, "The cleanliness score needs a comment.")
    session.commit()
    changes, cursor = pull_all(client, phone.token, cursor)
    [visit_change] = [c for c in changes if c["entity"] == "visit"]
    data = visit_change["data"]
    assert (data["status"], data["revision"], data["review_note"]) == (
        "returned",
        1,
        "The cleanliness score needs a comment.",
    )
    assert data["document"]["id"] == doc["id"] and data["document"]["answers"][1]["value"] == 4
    assert {(c["entity"], c["op"]) for c in changes} >= {("branch", "upsert"), ("template_version", "upsert")}

    corrected = {
        **data["document"],
        "base_revision": 1,
        "answers": [
            {"question": "greeted", "value": "yes"},
            {"question": "clean", "value": 2, "comment": "Dusty"},
            {"question": "price_ok", "value": "yes"},
            {"question": "notes", "value": "All fine."},
        ],
    }
    [result] = push(client, phone.token, corrected)
    assert (result["result"], result["revision"], result["status"]) == ("created", 2, "submitted")
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.revision, visit.status, visit.score_percent) == (2, VisitStatus.SUBMITTED, 62.5)
    assert [r.revision for r in visit.revisions] == [1, 2]
    assert visit.revisions[0].document["answers"][1]["value"] == 4  # the earlier revision is kept
    assert next(a for a in visit.answers if a.question_key == "clean").comment == "Dusty"

    [retry] = push(client, phone.token, corrected)
    assert (retry["result"], retry["revision"]) == ("unchanged", 2)
    [first_again] = push(client, phone.token, doc)
    assert (first_again["result"], first_again["revision"]) == ("unchanged", 1)
    changes, _ = pull_all(client, phone.token, cursor)
    assert [c["data"]["revision"] for c in changes if c["entity"] == "visit"] == [2]


def test_a_stale_base_or_a_visit_not_returned_is_a_conflict_and_nothing_changes(client, session, phone, admin):
    doc, visit = pushed(client, session, phone)
    not_returned = {**doc, "base_revision": 1, "answers": doc["answers"][:3]}
    stored = snapshot(session, doc["id"])
    [result] = push(client, phone.token, not_returned)
    assert result["result"] == "conflict" and "not returned for correction" in result["message"]
    assert snapshot(session, doc["id"]) == stored

    return_for_correction(session, admin, visit, "Fix it")
    session.commit()
    push(client, phone.token, not_returned)  # revision 2
    return_for_correction(session, admin, session.get(Visit, visit.id), "Fix it again")
    session.commit()
    stored, before = snapshot(session, doc["id"]), counts(session)
    stale = {**doc, "base_revision": 1, "answers": doc["answers"][:2] + doc["answers"][3:] + [doc["answers"][2]]}
    [result] = push(client, phone.token, stale)
    assert (result["result"], result["revision"]) == ("conflict", 2)
    assert "based on revision 1 but the server holds revision 2" in result["message"]
    assert snapshot(session, doc["id"]) == stored and counts(session) == before


def test_a_correction_is_validated_and_keeps_the_visits_version_branch_and_assignment(
    client, session, make, phone, admin
):
    doc, visit = pushed(client, session, phone)
    return_for_correction(session, admin, visit, "Fix it")
    other = assign(session, make, shopper=phone.shopper)
    moved = {
        **doc,
        "base_revision": 1,
        "assignment_id": str(other.id),
        "branch_id": other.branch_id,
        "answers": [{"question": "clean", "value": 7}],
    }
    stored = snapshot(session, doc["id"])
    [result] = push(client, phone.token, moved)
    assert result["result"] == "invalid"
    assert {"assignment_id", "branch_id", "answers[0].value", "answers"} <= set(result["errors"])
    assert snapshot(session, doc["id"]) == stored


def returned_photo_visit(client, session, make, admin) -> tuple[str, dict, dict]:
    """A visit whose one photo has arrived, returned for correction: (token, document, photo entry)."""
    shopper = make.user("shopper")
    token = token_for(session, shopper)
    assignment = assign(session, make, shopper=shopper, template=make.template(PHOTO_CHECKLIST))
    photo = photo_entry()
    doc = visit_doc(assignment, photos=[photo])
    push(client, token, doc)
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    visit.photos[0].completed_at, visit.photos[0].received_bytes = visit.submitted_at, 1234  # as the upload does
    visit.status = VisitStatus.SUBMITTED
    session.commit()
    return_for_correction(session, admin, visit, "One more photo, please")
    session.commit()
    return token, doc, photo


def test_a_correction_with_a_new_photo_awaits_it_and_keeps_the_one_already_received(client, session, make, admin):
    token, doc, first = returned_photo_visit(client, session, make, admin)
    second = photo_entry()
    [result] = push(client, token, {**doc, "base_revision": 1, "photos": [first, second]})
    assert (result["result"], result["status"], result["missing_photos"]) == (
        "created",
        "awaiting_photos",
        [second["id"]],
    )
    assert snapshot(session, doc["id"])["photos"] == sorted([(first["id"], "ab" * 32), (second["id"], "ab" * 32)])


def test_a_correction_reusing_a_photo_id_for_other_bytes_is_invalid(client, session, make, admin):
    token, doc, first = returned_photo_visit(client, session, make, admin)
    stored = snapshot(session, doc["id"])
    [result] = push(client, token, {**doc, "base_revision": 1, "photos": [{**first, "sha256": "cd" * 32}]})
    assert result["result"] == "invalid" and "a new picture needs a new id" in result["errors"]["photos[0].id"][0]
    assert snapshot(session, doc["id"]) == stored


def test_only_admins_review_and_only_submitted_visits(client, session, make, phone, admin):
    _, visit = pushed(client, session, phone)
    with pytest.raises(ReviewForbidden):
        return_for_correction(session, make.user("manager"), visit, "Fix it")
    with pytest.raises(ReviewError) as no_note:
        return_for_correction(session, admin, visit, "   ")
    assert no_note.value.field == "note"
    approve_visit(session, admin, visit, "Good work")
    assert (visit.status, visit.reviewed_by_id, visit.review_note) == (VisitStatus.APPROVED, admin.id, "Good work")
    assert visit.reviewed_at is not None and visit.assignment.status is AssignmentStatus.DONE
    for decide in (return_for_correction, approve_visit, reject_visit):
        with pytest.raises(ReviewError) as late:
            decide(session, admin, visit, "again")
        assert late.value.field == "status"


def test_a_rejection_reaches_the_phone_with_its_note(client, session, phone, admin):
    _, visit = pushed(client, session, phone)
    _, cursor = pull_all(client, phone.token)
    reject_visit(session, admin, visit, "Visited outside the due window.")
    session.commit()
    changes, _ = pull_all(client, phone.token, cursor)
    [change] = [c for c in changes if c["entity"] == "visit"]
    assert (change["data"]["status"], change["data"]["review_note"]) == ("rejected", "Visited outside the due window.")
    assert visit.assignment.status is AssignmentStatus.DONE
