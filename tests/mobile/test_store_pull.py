"""Pulled pages: stored with their cursor in one transaction; tombstones keep what an unsent visit still needs."""

from __future__ import annotations

import uuid

import pytest

from mobile.store import BadChange, NotFound, VisitState
from tests.mobile.factories import (
    NO_PHOTO_CHECKLIST,
    assignment_change,
    branch_change,
    change,
    fill,
    version_change,
    write_png,
)


def test_a_page_and_its_cursor_are_stored_together(shop, assignment_id):
    assert shop.account.cursor == "c1"
    assert [a.id for a in shop.pulled.assignments()] == [assignment_id]
    assert shop.pulled.branch(12).region == {"id": 1, "code": "R1", "name": "North"}
    assert shop.pulled.template_version(7).title == "Store audit" and shop.pulled.checklist(7).allow_adhoc
    other = str(uuid.uuid4())
    assert shop.pulled.apply_changes([assignment_change(other), branch_change(13, "B013")], "c2") == 2
    assert shop.account.cursor == "c2" and len(shop.pulled.assignments()) == 2


def test_a_page_that_cannot_be_stored_stores_nothing_and_keeps_the_cursor(shop, assignment_id):
    good = assignment_change(str(uuid.uuid4()))
    broken = {"entity": "branch", "id": "14", "op": "upsert", "data": {"name": "no code"}}
    with pytest.raises(BadChange):
        shop.pulled.apply_changes([good, branch_change(13, "B013"), broken], "c2")
    assert shop.account.cursor == "c1"
    assert [a.id for a in shop.pulled.assignments()] == [assignment_id]
    with pytest.raises(NotFound):
        shop.pulled.branch(13)


def test_entities_the_phone_does_not_keep_are_skipped(shop):
    assert shop.pulled.apply_changes([change("region", 1, {"id": 1}), change("user", 5, None)], "c2") == 0
    assert shop.account.cursor == "c2"


def test_an_upsert_replaces_the_row_with_the_current_state(shop, assignment_id):
    shop.pulled.apply_changes([assignment_change(assignment_id, status="cancelled")], "c2")
    assert shop.pulled.assignments() == []
    assert shop.pulled.assignment(assignment_id).status == "cancelled"


def test_a_tombstone_drops_what_no_visit_needs(shop, assignment_id):
    shop.pulled.apply_changes(
        [change("assignment", assignment_id), change("branch", 12), change("template_version", 7)], "c2"
    )
    assert shop.pulled.assignments(include_removed=True) == []
    assert shop.pulled.branches(include_removed=True) == []
    assert shop.pulled.template_versions(include_removed=True) == []


def test_a_tombstone_keeps_what_an_unsent_visit_needs_and_the_checklist_of_a_sent_one(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id, {"greeted": {"value": "yes"}})
    shop.pulled.apply_changes(
        [change("assignment", assignment_id), change("branch", 12), change("template_version", 7)], "c2"
    )
    assert shop.account.cursor == "c2"
    assert shop.pulled.assignments() == [] and shop.pulled.branches() == [] and shop.pulled.template_versions() == []
    assert (
        shop.pulled.assignment(assignment_id).removed
        and shop.pulled.branch(12).removed
        and shop.pulled.template_version(7).removed
    )
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok
    shop.mark_synced()
    assert shop.pulled.assignment(assignment_id).removed  # still queued: still needed
    shop.outbox.record_push_result(
        visit.id, {"id": visit.id, "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    )
    assert shop.drafts.visit(visit.id).state is VisitState.SENT
    shop.mark_synced()
    with pytest.raises(NotFound):
        shop.pulled.assignment(assignment_id)
    assert shop.pulled.branch(12).removed and shop.pulled.template_version(7).removed  # the sent visit is still shown
    shop.pulled.apply_changes([change("visit", visit.id)], "c3")  # the server withdrew the visit: nothing needs them
    assert shop.drafts.visits() == []
    for lookup, key in ((shop.pulled.branch, 12), (shop.pulled.template_version, 7)):
        with pytest.raises(NotFound):
            lookup(key)


def test_an_upsert_after_a_tombstone_brings_the_row_back(shop, assignment_id):
    shop.drafts.start_visit(assignment_id)
    shop.pulled.apply_changes([change("branch", 12)], "c2")
    shop.pulled.apply_changes([branch_change(12)], "c3")
    assert [b.id for b in shop.pulled.branches()] == [12]


def test_a_pulled_visit_updates_the_server_state_of_a_sent_visit(shop, assignment_id, tmp_path):
    shop.pulled.apply_changes([version_change(8, NO_PHOTO_CHECKLIST)], "c2")
    visit = shop.drafts.start_visit(branch_id=12, template_version_id=8)
    fill(shop, visit.id)
    assert shop.drafts.finish_visit(visit.id).ok
    document = shop.drafts.visit_document(visit.id)
    shop.outbox.record_push_result(
        visit.id, {"id": visit.id, "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    )
    data = {
        "id": visit.id,
        "revision": 1,
        "status": "returned",
        "score_percent": 81.25,
        "review_note": "Add the till photo",
        "missing_photos": [],
        "document": document,
    }
    shop.pulled.apply_changes([change("visit", visit.id, data)], "c3")
    stored = shop.drafts.visit(visit.id)
    assert stored.state is VisitState.SENT and stored.correctable
    assert (stored.server.status, stored.server.score_percent, stored.server.review_note) == (
        "returned",
        81.25,
        "Add the till photo",
    )
    stale = dict(data, revision=0, status="submitted")
    shop.pulled.apply_changes([change("visit", visit.id, stale)], "c4")
    assert shop.drafts.visit(visit.id).server.status == "returned"


def test_a_pulled_visit_the_phone_never_had_is_kept_for_display_and_correction(shop, assignment_id):
    visit_id = str(uuid.uuid4())
    document = {
        "id": visit_id,
        "template_version_id": 7,
        "assignment_id": assignment_id,
        "branch_id": 12,
        "started_at": "2026-03-02T09:00:00Z",
        "finished_at": "2026-03-02T09:30:00Z",
        "location": None,
        "base_revision": None,
        "answers": [{"question": "greeted", "value": "no", "na": False, "comment": ""}],
        "photos": [],
    }
    returned = {
        "id": visit_id,
        "revision": 1,
        "status": "returned",
        "score_percent": 0.0,
        "review_note": "Redo",
        "missing_photos": [],
        "document": document,
    }
    shop.pulled.apply_changes([change("visit", visit_id, returned)], "c2")
    visit = shop.drafts.visit(visit_id)
    assert visit.state is VisitState.SENT and visit.correctable and visit.server.document == document
    draft = shop.drafts.reopen_for_correction(visit_id)
    assert draft.state is VisitState.DRAFT and draft.base_revision == 1
    assert shop.drafts.answers(visit_id)["greeted"].value == "no"


def test_a_snapshot_drops_the_pulled_things_it_did_not_send_again_only_once_it_is_complete(shop, assignment_id):
    newer = str(uuid.uuid4())
    shop.pulled.apply_changes([version_change(), branch_change(13, "B013")], "s9.1.13", reset=True)
    assert [a.id for a in shop.pulled.assignments()] == [assignment_id]  # mid-snapshot the phone still shows everything
    assert shop.pulled.branch(12).name and not shop.pulled.branch(12).removed
    shop.pulled.apply_changes([assignment_change(newer, branch_id=13)], "9", snapshot_complete=True)
    assert shop.account.cursor == "9"
    assert [a.id for a in shop.pulled.assignments(include_removed=True)] == [newer]
    assert [b.id for b in shop.pulled.branches(include_removed=True)] == [13]
    assert [v.id for v in shop.pulled.template_versions()] == [7]


def test_a_one_page_snapshot_both_starts_and_ends(shop, assignment_id):
    shop.pulled.apply_changes([version_change(), branch_change()], "4", reset=True, snapshot_complete=True)
    assert shop.pulled.assignments(include_removed=True) == [] and [b.id for b in shop.pulled.branches()] == [12]


def test_a_snapshot_never_touches_drafts_the_outbox_or_sent_visits(shop, assignment_id, tmp_path):
    other, third = str(uuid.uuid4()), str(uuid.uuid4())
    shop.pulled.apply_changes([assignment_change(other), assignment_change(third)], "c2")
    draft = shop.drafts.start_visit(assignment_id)
    fill(shop, draft.id, {"greeted": {"value": "yes"}})
    queued = shop.drafts.start_visit(other)
    fill(shop, queued.id)
    shop.drafts.add_photo(queued.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(queued.id).ok
    sent = shop.drafts.start_visit(third)
    fill(shop, sent.id)
    shop.drafts.add_photo(sent.id, "storefront", write_png(tmp_path, "sent.png"))
    assert shop.drafts.finish_visit(sent.id).ok
    shop.outbox.record_push_result(
        sent.id, {"id": sent.id, "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    )
    before = {v.id: (v.state, shop.drafts.answers(v.id)) for v in shop.drafts.visits()}
    shop.pulled.apply_changes([], "20", reset=True, snapshot_complete=True)  # the server holds nothing for this phone
    assert {v.id: (v.state, shop.drafts.answers(v.id)) for v in shop.drafts.visits()} == before
    assert shop.drafts.visit(queued.id).state is VisitState.OUTBOX
    assert shop.drafts.visit(sent.id).state is VisitState.SENT
    assert shop.pulled.assignments() == []
    assert shop.pulled.assignment(assignment_id).removed and shop.pulled.assignment(other).removed  # visits unsent
    with pytest.raises(NotFound):
        shop.pulled.assignment(third)  # its visit was sent: nothing needs it any more
    assert shop.pulled.branch(12).removed and shop.pulled.template_version(7).removed  # kept for the visits using them
    assert shop.pulled.checklist(7).title == "Store audit"


def test_an_incremental_page_drops_nothing_it_does_not_name(shop, assignment_id):
    shop.pulled.apply_changes([branch_change(13, "B013")], "c2")
    assert [a.id for a in shop.pulled.assignments()] == [assignment_id]
    assert [b.id for b in shop.pulled.branches()] == [12, 13]


def test_a_snapshot_started_again_after_an_interruption_still_ends_right(shop, assignment_id):
    shop.pulled.apply_changes([version_change()], "s9.1.", reset=True)  # the phone lost the network after this page
    shop.pulled.apply_changes([version_change(), branch_change()], "s11.2.", reset=True)
    shop.pulled.apply_changes([assignment_change(assignment_id)], "11", snapshot_complete=True)
    assert [a.id for a in shop.pulled.assignments()] == [assignment_id]
    assert [b.id for b in shop.pulled.branches()] == [12]
