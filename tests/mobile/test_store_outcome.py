"""Ending a visit on the phone without completing it: discarding a draft never sent, or queueing a visit that could
not be completed with its reason (and without its answers and photos); and both against the real server."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from mobile.store import NotEditable, VisitState
from mobile.store.migrations import MIGRATIONS
from shared.schemas import load_visit
from shared.visit import Location, Outcome
from tests.mobile.factories import fill, write_png
from tests.mobile.world import make_world


def test_a_visit_that_could_not_be_completed_is_queued_with_its_outcome_times_and_gps(shop, assignment_id, tmp_path):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    visit = shop.drafts.start_visit(assignment_id, started_at=start)
    shop.drafts.save_answer(visit.id, "greeted", value="yes")
    photo = shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    path = shop.drafts.photo_path(photo)
    finished = datetime(2026, 3, 2, 9, 7, tzinfo=UTC)
    result = shop.drafts.finish_not_completed(
        visit.id, "shop_closed", "Shutters down", location=Location(51.5, -0.12, 9.0), finished_at=finished
    )
    assert result.ok
    document = shop.drafts.visit_document(visit.id)
    assert document["outcome"] == {"status": "not_completed", "reason": "shop_closed", "comment": "Shutters down"}
    assert (document["answers"], document["photos"]) == ([], [])
    assert (document["started_at"], document["finished_at"]) == ("2026-03-02T09:00:00Z", "2026-03-02T09:07:00Z")
    assert document["location"] == {"lat": 51.5, "lon": -0.12, "accuracy_m": 9.0}
    queued = shop.drafts.visit(visit.id)
    assert queued.state is VisitState.OUTBOX and queued.outcome == Outcome(
        "not_completed", "shop_closed", "Shutters down"
    )
    assert [q.id for q in shop.outbox.queued()] == [visit.id]
    assert shop.drafts.answers(visit.id) == {} and shop.drafts.photos(visit.id) == [] and not path.exists()
    assert shop.outbox.queued()[0].document == document and load_visit(document).outcome.reason == "shop_closed"


def test_other_without_a_comment_or_an_unknown_reason_is_refused_and_the_draft_kept(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    shop.drafts.save_answer(visit.id, "greeted", value="yes")
    for reason, comment, path in (("other", " ", "outcome.comment"), ("on_holiday", "", "outcome.reason")):
        result = shop.drafts.finish_not_completed(visit.id, reason, comment)
        assert not result.ok and [i.path for i in result.issues] == [path]
    kept = shop.drafts.visit(visit.id)
    assert kept.state is VisitState.DRAFT and kept.outcome.completed and "greeted" in shop.drafts.answers(visit.id)


def test_editing_a_not_completed_visit_again_makes_it_a_normal_draft(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    assert shop.drafts.finish_not_completed(visit.id, "unsafe", "Crowd outside").ok
    shop.drafts.edit_again(visit.id)
    draft = shop.drafts.visit(visit.id)
    assert draft.state is VisitState.DRAFT and draft.outcome.completed
    assert "outcome" not in shop.drafts.visit_document(visit.id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok


def test_only_a_draft_never_sent_is_discardable(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    assert shop.drafts.visit(visit.id).discardable
    shop.drafts.discard_visit(visit.id)
    assert shop.drafts.visit_for_assignment(assignment_id) is None
    again = shop.drafts.start_visit(assignment_id)
    shop.drafts.finish_not_completed(again.id, "refused_entry")
    assert not shop.drafts.visit(again.id).discardable
    with pytest.raises(NotEditable):
        shop.drafts.discard_visit(again.id)


def test_the_outcome_migration_adds_an_empty_column_to_existing_visits(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    names = [m.__name__ for m in MIGRATIONS]
    assert names.index("v4_visit_outcome") == 3
    for migration in MIGRATIONS[:3]:
        migration(conn)
    conn.execute(
        "INSERT INTO accounts (server_url, user_id, email, created_at) VALUES ('http://x', 1, 'a@b.c', '2026-01-01')"
    )
    conn.execute(
        """INSERT INTO visits (account_id, id, branch_id, template_version_id, started_at, state, updated_at)
           VALUES (1, 'v', 1, 1, '2026-01-01T00:00:00Z', 'draft', '2026-01-01T00:00:00Z')"""
    )
    MIGRATIONS[3](conn)
    assert conn.execute("SELECT outcome FROM visits").fetchone() == (None,)


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path)


def test_a_not_completed_visit_reaches_the_server_unscored_and_the_sent_visit_shows_it(world):
    phone, server = world.phone, world.server
    assert phone.sync().ok
    visit = phone.shop.drafts.start_visit(world.assignment_id)
    assert phone.shop.drafts.finish_not_completed(visit.id, "branch_not_found", "No shop at this address").ok
    result = phone.sync()
    assert result.ok and result.pushed == 1 and result.uploaded == 0
    record = server.visit(visit.id)
    assert (record["status"], record["score_percent"], record["outcome"]) == (
        "submitted",
        None,
        ("branch_not_found", "No shop at this address"),
    )
    sent = phone.shop.drafts.visit(visit.id)
    assert sent.state is VisitState.SENT and sent.outcome.reason == "branch_not_found"
    assert json.loads(json.dumps(sent.server.document))["outcome"]["reason"] == "branch_not_found"


def test_a_discarded_draft_never_reaches_the_server(world):
    phone, server = world.phone, world.server
    assert phone.sync().ok
    visit_id = phone.complete_visit(world.assignment_id)
    phone.shop.drafts.edit_again(visit_id)
    phone.shop.drafts.discard_visit(visit_id)
    result = phone.sync()
    assert result.ok and result.pushed == 0
    assert server.visit(visit_id) is None and server.count("Visit") == 0
    assert [a.id for a in phone.shop.pulled.assignments()] == [world.assignment_id]


def test_a_correction_draft_cannot_be_discarded_but_can_be_sent_as_not_completed(shop, assignment_id, tmp_path):
    from tests.mobile.test_store_corrections import sent_and_returned

    visit_id = sent_and_returned(shop, assignment_id, tmp_path)
    draft = shop.drafts.reopen_for_correction(visit_id)
    assert draft.state is VisitState.DRAFT and not draft.discardable
    with pytest.raises(NotEditable, match="correction cannot be discarded"):
        shop.drafts.discard_visit(visit_id)
    assert shop.drafts.finish_not_completed(visit_id, "unsafe", "Road closed by police").ok
    document = shop.drafts.visit_document(visit_id)
    assert document["base_revision"] == 1 and document["outcome"]["reason"] == "unsafe" and document["photos"] == []
