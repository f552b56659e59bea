"""Corrections against the real server: a returned visit comes back through the pull, is corrected as the next
revision of the same visit, and a correction from a stale base is a conflict that keeps the phone's copy."""

from __future__ import annotations

import pytest

from mobile.store import VisitState
from tests.mobile.world import make_world, new_phone


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path)


def sent_and_returned(world) -> str:
    phone = world.phone
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    assert phone.sync().ok
    world.server.return_for_correction(visit_id, "Say what the price label said.")
    assert phone.sync().ok
    return visit_id


def test_a_returned_visit_is_corrected_as_the_next_revision_of_the_same_visit(world):
    phone, server = world.phone, world.server
    visit_id = sent_and_returned(world)
    visit = phone.shop.drafts.visit(visit_id)
    assert visit.correctable and visit.server.status == "returned"
    assert visit.server.review_note == "Say what the price label said."
    draft = phone.shop.drafts.reopen_for_correction(visit_id)
    assert draft.base_revision == 1
    phone.shop.drafts.save_answer(visit_id, "price_ok", value="no", comment="Label 2.99, till 3.49")
    phone.shop.drafts.save_answer(visit_id, "clean", value=5)
    preview = phone.shop.drafts.score_preview(visit_id)
    assert phone.shop.drafts.finish_visit(visit_id).ok
    puts_before = len(phone.faults.calls("PUT", "/photos/"))
    result = phone.sync()
    assert result.ok and result.pushed == 1 and result.uploaded == 0
    assert len(phone.faults.calls("PUT", "/photos/")) == puts_before  # the server kept the photo
    record = server.visit(visit_id)
    assert record["revision"] == 2 and record["status"] == "submitted"
    assert record["score_percent"] == preview.percent == 0.0 and record["zeroed"]
    revisions = server.revision_documents(visit_id)
    assert [r["_revision"] for r in revisions] == [1, 2] and revisions[1]["base_revision"] == 1
    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.SENT and local.server.revision == 2 and not local.correctable


def test_a_correction_from_a_stale_base_is_a_conflict_and_the_phone_keeps_its_copy(world, tmp_path):
    phone, server = world.phone, world.server
    visit_id = sent_and_returned(world)
    other = new_phone(server, tmp_path / "second-phone", phone.shopper)  # the same shopper's second phone
    assert other.sync().ok and other.shop.drafts.visit(visit_id).correctable
    other.shop.drafts.reopen_for_correction(visit_id)
    other.shop.drafts.save_answer(visit_id, "notes", value="corrected on the tablet")
    assert other.shop.drafts.finish_visit(visit_id).ok
    assert other.sync().ok and server.visit(visit_id)["revision"] == 2

    phone.shop.drafts.reopen_for_correction(visit_id)  # still based on revision 1
    phone.shop.drafts.save_answer(visit_id, "notes", value="corrected on the phone")
    assert phone.shop.drafts.finish_visit(visit_id).ok
    result = phone.sync()
    assert result.conflicts == [visit_id] and len(phone.faults.calls("POST", "/sync/push")) == 2
    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.CONFLICT and local.last_error
    assert phone.shop.drafts.answers(visit_id)["notes"].value == "corrected on the phone"
    assert server.visit(visit_id)["revision"] == 2
    assert server.revision_documents(visit_id)[-1]["answers"][-1]["value"] == "corrected on the tablet"
