"""record_visit stores a visit exactly as shared scores it, all or nothing, or refuses it with field paths."""

from __future__ import annotations

import copy
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import server.services.visits.record as visits_service
from server.models import Answer, AssignmentStatus, Change, Photo, Visit, VisitRevision, VisitSectionScore, VisitStatus
from server.services.photos.budgets import PhotoLimits
from server.services.visits.record import DuplicateVisit, VisitRejected, record_visit
from shared.schemas import dump_visit, load_visit, visit_fingerprint
from shared.scoring import score_visit
from shared.validation import load_checklist
from tests.factories import SMALL_CHECKLIST
from tests.server.sync.helpers import record_and_commit

PHOTO_CHECKLIST = copy.deepcopy(SMALL_CHECKLIST)
PHOTO_CHECKLIST["sections"][0]["questions"].append(
    {"key": "front_photo", "text": "Photo of the front", "type": "photo", "required": True}
)


def document(assignment, **changes) -> dict:
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
            {"question": "greeted", "value": "yes", "comment": "Accueil très chaleureux"},
            {"question": "clean", "value": 4},
            {"question": "price_ok", "value": "yes"},
            {"question": "notes", "value": "All fine."},
        ],
    }
    doc.update(changes)
    return doc


def photo_entry(question="front_photo") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "question": question,
        "sha256": "ab" * 32,
        "size": 1234,
        "content_type": "image/jpeg",
    }


def counts(session) -> dict:
    models = (Visit, Answer, VisitSectionScore, Photo, VisitRevision)
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


NOTHING = {"Visit": 0, "Answer": 0, "VisitSectionScore": 0, "Photo": 0, "VisitRevision": 0}


@pytest.fixture
def assignment(make):
    return make.assignment()


def test_a_valid_visit_is_stored_with_exactly_the_scores_shared_computes(session, assignment):
    doc = document(
        assignment,
        answers=[
            {"question": "greeted", "value": "no", "comment": "Nobody looked up"},
            {"question": "clean", "value": 3},
            {"question": "price_ok", "value": "yes"},
            {"question": "notes", "value": "Queue by the door."},
        ],
    )
    visit = record_and_commit(session, assignment.shopper, doc)
    loaded = load_visit(doc)
    expected = score_visit(load_checklist(SMALL_CHECKLIST), loaded.answers, loaded.photos)
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.score_percent, visit.earned, visit.possible) == (expected.percent, expected.earned, expected.possible)
    assert (visit.flagged, visit.zeroed, visit.critical_failures) == (False, False, 0)
    assert [(s.section_key, s.earned, s.possible, s.percent) for s in visit.section_scores] == [
        (s.key, s.earned, s.possible, s.percent) for s in expected.sections
    ]
    scored = {q.key: q for q in expected.questions}
    for answer in visit.answers:
        q = scored[answer.question_key]
        assert (answer.earned, answer.possible) == ((q.earned, q.possible) if q.status == "scored" else (None, None))
    assert [a.question_key for a in visit.answers] == ["greeted", "clean", "price_ok", "notes"]
    assert visit.answers[0].comment == "Nobody looked up"
    assert (visit.status, visit.latitude, visit.accuracy_m) == (VisitStatus.SUBMITTED, 51.5072, 12.0)
    [revision] = visit.revisions
    assert revision.content_hash == visit_fingerprint(loaded) and revision.document == dump_visit(loaded)
    assert visit.assignment.status is AssignmentStatus.SUBMITTED
    assert session.scalar(select(Change.entity_id).where(Change.entity == "assignment")) == str(assignment.id)


def test_a_critical_failure_under_the_zero_policy_stores_a_zero_score(session, assignment):
    doc = document(assignment)
    doc["answers"][2]["value"] = "no"
    visit = record_and_commit(session, assignment.shopper, doc)
    assert (visit.score_percent, visit.zeroed, visit.critical_failures) == (0.0, True, 1)
    assert next(a for a in visit.answers if a.question_key == "price_ok").critical_failure


def test_a_visit_whose_photos_have_not_arrived_is_awaiting_photos(session, make):
    template = make.template(PHOTO_CHECKLIST)
    assignment = make.assignment(template=template)
    photo = photo_entry()
    visit = record_and_commit(session, assignment.shopper, document(assignment, photos=[photo]))
    assert visit.status is VisitStatus.AWAITING_PHOTOS
    [row] = visit.photos
    assert (str(row.id), row.question_key, row.size, row.received_bytes, row.completed_at) == (
        photo["id"],
        "front_photo",
        1234,
        0,
        None,
    )
    assert [a.question_key for a in visit.answers if a.question_key == "front_photo"] == ["front_photo"]


def test_the_caller_may_choose_the_status(session, assignment):
    visit = record_and_commit(session, assignment.shopper, document(assignment), status="approved")
    assert visit.status is VisitStatus.APPROVED


def test_the_same_visit_id_twice_is_a_clear_duplicate_error(session, assignment, make):
    doc = document(assignment)
    record_and_commit(session, assignment.shopper, doc)
    with pytest.raises(DuplicateVisit) as error:
        record_and_commit(session, assignment.shopper, doc)
    assert error.value.errors == {"id": [f"a visit with id {doc['id']} has already been recorded"]}
    assert error.value.reason == "duplicate"
    assert counts(session)["Visit"] == 1


def reject(session, shopper, doc) -> dict[str, list[str]]:
    with pytest.raises(VisitRejected) as error:
        record_and_commit(session, shopper, doc)
    assert counts(session) == NOTHING
    return error.value.errors


def test_an_unknown_template_version_is_rejected(session, assignment):
    errors = reject(session, assignment.shopper, document(assignment, template_version_id=999))
    assert errors == {"template_version_id": ["there is no checklist version 999"]}


def test_a_draft_version_is_rejected(session, make):
    template = make.template(published=False)
    assignment = make.assignment()
    doc = document(assignment, template_version_id=template.versions[0].id)
    errors = reject(session, assignment.shopper, doc)
    assert "is a draft, not published" in errors["template_version_id"][0]


def test_another_shoppers_assignment_is_rejected_as_unknown(session, assignment, make):
    stranger = make.user("shopper")
    errors = reject(session, stranger, document(assignment))
    assert errors == {"assignment_id": [f"there is no assignment {assignment.id} for this shopper"]}


def test_an_assignment_for_another_branch_or_a_missing_branch_is_rejected(session, assignment, make):
    other = make.branch()
    assert "branch_id" in reject(session, assignment.shopper, document(assignment, branch_id=other.id))
    assert (
        reject(session, assignment.shopper, document(assignment, branch_id=424242))["branch_id"][0]
        == "there is no branch 424242"
    )


def test_a_visit_without_assignment_needs_an_ad_hoc_checklist(session, assignment):
    errors = reject(session, assignment.shopper, document(assignment, assignment_id=None))
    assert errors == {"assignment_id": ["this checklist does not allow visits without an assignment"]}


def test_only_active_shoppers_submit_visits(session, assignment, make):
    with pytest.raises(VisitRejected) as error:
        record_and_commit(session, make.user("manager"), document(assignment))
    assert error.value.reason == "forbidden"


def test_bad_answers_are_rejected_with_field_paths_naming_the_question(session, assignment):
    doc = document(
        assignment,
        answers=[
            {"question": "clean", "value": 9},
            {"question": "nonsense", "value": 1},
            {"question": "price_ok", "na": True},
            {"question": "notes", "value": 7},
        ],
    )
    errors = reject(session, assignment.shopper, doc)
    assert "question 'clean' (section 'front')" in errors["answers[0].value"][0]
    assert "'nonsense'" in errors["answers[1].question"][0]
    assert "question 'price_ok'" in errors["answers[2].na"][0]
    assert "question 'notes'" in errors["answers[3].value"][0]
    assert any("question 'greeted'" in m for m in errors["answers"])  # required, and missing


def test_a_malformed_document_is_rejected_with_every_shape_error(session, assignment):
    doc = document(assignment, id="not-a-uuid", finished_at="2026-03-01T00:00:00Z")
    del doc["branch_id"]
    errors = reject(session, assignment.shopper, doc)
    assert {"id", "branch_id"} <= set(errors)


def test_a_photo_id_already_used_by_another_visit_is_rejected(session, make):
    template = make.template(PHOTO_CHECKLIST)
    first, second = make.assignment(template=template), make.assignment(template=template)
    photo = photo_entry()
    record_and_commit(session, first.shopper, document(first, photos=[photo]))
    with pytest.raises(VisitRejected) as error:
        record_and_commit(session, second.shopper, document(second, photos=[photo]))
    assert "already used by another visit" in error.value.errors["photos[0].id"][0]


def test_a_failure_in_the_middle_of_writing_leaves_nothing_behind(session, make, monkeypatch):
    template = make.template(PHOTO_CHECKLIST)
    assignment = make.assignment(template=template)
    real_rows = visits_service._row_values

    def rows_with_a_bad_photo(*args):
        answers, sections, photos = real_rows(*args)
        photos[0]["content_type"] = None  # NOT NULL: fails at the database, after the visit row is sent
        return answers, sections, photos

    monkeypatch.setattr(visits_service, "_row_values", rows_with_a_bad_photo)
    with pytest.raises(Exception) as error:
        record_and_commit(session, assignment.shopper, document(assignment, photos=[photo_entry()]))
    assert not isinstance(error.value, VisitRejected)
    assert counts(session) == NOTHING
    session.refresh(assignment)
    assert assignment.status is AssignmentStatus.OPEN
    assert session.scalar(select(func.count()).select_from(Change).where(Change.entity == "assignment")) == 0


def test_in_the_callers_transaction_its_savepoint_undoes_only_the_failed_visit(app, session, make, monkeypatch):
    limits = PhotoLimits.from_config(app.config)
    template = make.template(PHOTO_CHECKLIST)
    good, bad = make.assignment(template=template), make.assignment(template=template)
    record_visit(session, good.shopper, document(good, photos=[photo_entry()]), limits=limits)
    real_rows = visits_service._row_values

    def failing(*args):
        answers, sections, photos = real_rows(*args)
        photos[0]["sha256"] = None
        return answers, sections, photos

    monkeypatch.setattr(visits_service, "_row_values", failing)
    with pytest.raises(IntegrityError), session.begin_nested():
        record_visit(session, bad.shopper, document(bad, photos=[photo_entry()]), limits=limits)
    session.commit()
    assert counts(session)["Visit"] == 1
    assert session.scalar(select(Visit.assignment_id)) == good.id
