"""Push batches against the real server's limits: a 413 splits the batch, a single oversized visit is kept and
marked, and a role that may not push gets a 403 that is not retried."""

from __future__ import annotations

import pytest

from mobile.store import VisitState
from tests.mobile.factories import NO_PHOTO_CHECKLIST
from tests.mobile.world import make_world, new_phone


@pytest.fixture
def server_config_overrides():
    return {"SYNC_MAX_VISITS": 2, "SYNC_MAX_BYTES": 6000}


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path, NO_PHOTO_CHECKLIST)


def ad_hoc_visits(world, count: int) -> list[str]:
    phone = world.phone
    return [phone.complete_visit(branch_id=world.branch_id, template_version_id=world.version_id) for _ in range(count)]


def test_a_413_splits_the_batch_until_every_visit_is_stored(world):
    phone, server = world.phone, world.server
    phone.sync()
    ids = [phone.complete_visit(world.assignment_id), *ad_hoc_visits(world, 4)]
    result = phone.sync()
    assert result.ok and result.pushed == 5, result
    statuses = [s.status for s in phone.faults.calls("POST", "/sync/push")]
    assert statuses.count(413) >= 2 and statuses.count(200) == 3
    assert server.count("Visit") == 5
    assert all(phone.shop.drafts.visit(i).state is VisitState.SENT for i in ids)
    assert phone.waits == []  # a 413 is split, not retried


def test_a_single_visit_over_the_byte_limit_is_kept_with_the_servers_message(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit = phone.shop.drafts.start_visit(world.assignment_id)
    for key, value in (("greeted", "yes"), ("clean", 3), ("price_ok", "yes"), ("notes", "x" * 7000)):
        phone.shop.drafts.save_answer(visit.id, key, value=value)
    assert phone.shop.drafts.finish_visit(visit.id).ok
    result = phone.sync()
    assert result.failed == [visit.id]
    stored = phone.shop.drafts.visit(visit.id)
    assert stored.state is VisitState.ERROR and "SYNC_MAX_BYTES" in stored.last_error
    assert server.count("Visit") == 0
    phone.shop.drafts.edit_again(visit.id)
    phone.shop.drafts.save_answer(visit.id, "notes", value="shorter")
    assert phone.shop.drafts.finish_visit(visit.id).ok and phone.sync().ok
    assert server.count("Visit") == 1


def test_an_admin_cannot_push_visits_and_the_403_is_not_retried(world, tmp_path):
    server = world.server
    admin = server.shopper("Ada Admin", role="admin")
    phone = new_phone(server, tmp_path / "admin-phone", admin)
    assert phone.sync().ok
    assert phone.shop.pulled.template_version(world.version_id)
    visit_id = phone.complete_visit(branch_id=world.branch_id, template_version_id=world.version_id)
    result = phone.sync()
    assert result.failed == [visit_id] and "Only shoppers" in result.errors[0]
    assert len(phone.faults.calls("POST", "/sync/push")) == 1 and phone.waits == []
    assert phone.shop.drafts.visit(visit_id).state is VisitState.ERROR
    assert server.count("Visit") == 0
