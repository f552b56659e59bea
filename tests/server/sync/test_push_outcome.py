"""A visit the shopper could not complete: pushed with its outcome, stored unscored, shown to the phone, and never
counted in a score, league or roll-up."""

from __future__ import annotations

import uuid
from datetime import date

from server.models import Assignment, AssignmentStatus, Visit, VisitStatus
from server.services.scores import make_scope, region_league
from server.services.visits.reviews import approve_visit, return_for_correction
from tests.server.auth_helpers import bearer
from tests.server.scores.world import MARCH, ScoreWorld
from tests.server.sync.helpers import assign, pull_all, push, visit_doc

CLOSED = {"status": "not_completed", "reason": "shop_closed", "comment": "Shutters down at 10:00"}


def closed_doc(assignment, **changes) -> dict:
    return visit_doc(assignment, **{"answers": [], "outcome": dict(CLOSED), **changes})


def test_a_not_completed_visit_is_created_unscored_and_fulfils_its_assignment(client, session, phone):
    doc = closed_doc(phone.assignment)
    [result] = push(client, phone.token, doc)
    assert (result["result"], result["status"]) == ("created", "submitted")
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.outcome_reason, visit.outcome_comment, visit.score_percent) == (
        "shop_closed",
        "Shutters down at 10:00",
        None,
    )
    assert (visit.latitude, visit.started_at.isoformat()) == (51.5072, "2026-03-02T09:14:03+00:00")
    session.expire_all()
    assert session.get(Assignment, phone.assignment.id).status is AssignmentStatus.SUBMITTED
    assert visit.revisions[0].document["outcome"] == CLOSED


def test_pushing_it_again_is_unchanged_and_a_completed_visit_keeps_no_outcome(client, session, make, phone):
    doc = closed_doc(phone.assignment)
    push(client, phone.token, doc)
    [again] = push(client, phone.token, doc)
    assert again["result"] == "unchanged"
    normal = visit_doc(assign(session, make, shopper=phone.shopper))
    push(client, phone.token, normal)
    stored = session.get(Visit, uuid.UUID(normal["id"]))
    assert stored.outcome_reason is None and "outcome" not in stored.revisions[0].document


def test_a_not_completed_visit_with_answers_or_an_unknown_reason_is_invalid_naming_the_field(client, session, phone):
    with_answers = visit_doc(phone.assignment, outcome=dict(CLOSED))
    unknown = closed_doc(phone.assignment, outcome={"status": "not_completed", "reason": "holiday"})
    results = push(client, phone.token, with_answers, unknown)
    assert [r["result"] for r in results] == ["invalid", "invalid"]
    assert "answers" in results[0]["errors"] and "outcome.reason" in results[1]["errors"]
    assert session.get(Visit, uuid.UUID(with_answers["id"])) is None


def test_the_visit_record_and_the_pulled_change_carry_the_outcome(client, session, phone):
    doc = closed_doc(phone.assignment)
    push(client, phone.token, doc)
    body = client.get(f"/api/v1/visits/{doc['id']}", headers=bearer(phone.token)).json
    assert (body["outcome"], body["score_percent"]) == (CLOSED, None)
    changes, _cursor = pull_all(client, phone.token)
    [change] = [c for c in changes if c["entity"] == "visit"]
    assert change["data"]["outcome"] == CLOSED and change["data"]["document"]["outcome"] == CLOSED


def test_a_completed_visits_record_says_completed(client, session, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    body = client.get(f"/api/v1/visits/{doc['id']}", headers=bearer(phone.token)).json
    assert body["outcome"] == {"status": "completed"}


def test_an_approved_not_completed_visit_changes_no_branch_score_count_or_league(make, session):
    world = ScoreWorld(make, session)
    region = make.region("North")
    branch = make.branch(region, code="A")
    world.visits(branch, [80, 90])
    scope = make_scope(session, *MARCH)
    before = [(s.code, s.score, s.visits, s.scored_visits) for s in region_league(session, region, scope).standings]
    closed = world.visit(branch, None, date(2026, 3, 20), status=VisitStatus.SUBMITTED)
    closed.outcome_reason, closed.outcome_comment = "shop_closed", "Closed for stocktaking"
    session.commit()
    approve_visit(session, make.user("admin"), closed, "Accepted: reschedule")
    session.commit()
    assert session.get(Visit, closed.id).status is VisitStatus.APPROVED
    after = [(s.code, s.score, s.visits, s.scored_visits) for s in region_league(session, region, scope).standings]
    assert before == after == [("A", 85.0, 2, 2)]


def test_a_returned_visit_corrected_as_not_completed_loses_its_score_and_back_again(client, session, make, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    admin = make.user("admin")
    return_for_correction(session, admin, visit, "Were you really there?")
    session.commit()
    correction = {**doc, "base_revision": 1, "answers": [], "outcome": dict(CLOSED)}
    [result] = push(client, phone.token, correction)
    assert (result["result"], result["revision"]) == ("created", 2)
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.outcome_reason, visit.score_percent, visit.status) == ("shop_closed", None, VisitStatus.SUBMITTED)
    return_for_correction(session, admin, visit, "Please go again, it is open now")
    session.commit()
    [again] = push(client, phone.token, {**doc, "base_revision": 2})
    assert again["revision"] == 3
    session.expire_all()
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    assert (visit.outcome_reason, visit.outcome_comment, visit.score_percent) == (None, "", 87.5)
