"""The whole trip against the real server: sign in, pull, fill a visit with a photo, push, upload, same score."""

from __future__ import annotations

import hashlib

import pytest

from mobile.store import VisitState
from mobile.sync import PHOTOS, PULL, PUSH
from tests.mobile.factories import NO_PHOTO_CHECKLIST
from tests.mobile.world import make_world


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path)


def test_a_visit_travels_from_the_phone_to_the_server_with_the_same_score(world):
    phone, server = world.phone, world.server
    steps = []
    first = phone.sync(progress=lambda *step: steps.append(step))
    assert first.ok, first
    assert [a.id for a in phone.shop.pulled.assignments()] == [world.assignment_id]
    assert phone.shop.pulled.template_version(world.version_id).title == "Store audit"
    assert phone.shop.pulled.branch(world.branch_id).name
    assert phone.shop.account.cursor and steps[0][0] == PULL

    visit_id = phone.complete_visit(world.assignment_id)
    preview = phone.shop.drafts.score_preview(visit_id)
    photo = phone.shop.drafts.photos(visit_id)[0]
    steps.clear()
    result = phone.sync(progress=lambda *step: steps.append(step))
    assert result.ok, result
    assert (result.pushed, result.uploaded) == (1, 1)
    assert {stage for stage, *_ in steps} >= {PULL, PUSH, PHOTOS}
    assert [s for s in steps if s[0] == PHOTOS][-1] == (PHOTOS, photo.size, photo.size)

    record = server.visit(visit_id)
    assert record["status"] == "submitted" and record["shopper_id"] == phone.shopper.id
    assert record["score_percent"] == preview.percent
    assert record["photos"] == {photo.id: (photo.size, photo.size, True)}
    stored = server.app.config["PHOTO_STORAGE_PATH"]
    on_disk = [p for p in __import__("pathlib").Path(stored).rglob("*") if p.is_file()]
    assert any(hashlib.sha256(p.read_bytes()).hexdigest() == photo.sha256 for p in on_disk)

    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.SENT and local.server.revision == 1
    assert local.server.status == "submitted" and local.server.score_percent == preview.percent
    assert phone.shop.drafts.photos(visit_id)[0].uploaded
    assert phone.shop.pulled.assignments() == []  # the server marked it submitted; the final pull brought that


def test_running_the_sync_again_changes_nothing_and_duplicates_nothing(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    assert phone.sync().ok
    before = {name: server.count(name) for name in ("Visit", "Answer", "Photo", "VisitRevision")}
    again = phone.sync()
    assert again.ok and (again.pushed, again.uploaded) == (0, 0)
    assert {name: server.count(name) for name in before} == before
    assert phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_a_visit_without_photos_is_sent_at_once(live_server, tmp_path):
    world = make_world(live_server, tmp_path, NO_PHOTO_CHECKLIST)
    phone = world.phone
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    result = phone.sync()
    assert result.ok and result.pushed == 1 and result.uploaded == 0
    assert phone.shop.drafts.visit(visit_id).state is VisitState.SENT
    assert live_server.visit(visit_id)["score_percent"] == phone.shop.drafts.score_preview(visit_id).percent


def test_pulling_in_small_pages_advances_the_cursor_page_by_page(world):
    phone = world.phone
    cursors = []
    original = phone.shop.pulled.apply_changes

    def spy(changes, cursor, **snapshot_flags):
        cursors.append((len(changes), cursor))
        return original(changes, cursor, **snapshot_flags)

    phone.shop.pulled.apply_changes = spy  # type: ignore[method-assign]
    result = phone.sync(page_limit=1)
    assert result.ok and result.pages >= 3
    assert all(n <= 1 for n, _ in cursors)
    assert phone.shop.account.cursor == cursors[-1][1]
    assert [a.id for a in phone.shop.pulled.assignments()] == [world.assignment_id]


def test_a_draft_stays_pinned_to_its_version_when_a_new_one_is_published(world):
    import copy

    from tests.mobile.factories import CHECKLIST

    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    phone.shop.drafts.edit_again(visit_id)  # still a draft while the admin publishes
    newer = copy.deepcopy(CHECKLIST)
    newer["sections"][1]["questions"][0]["critical_policy"] = "flag"
    new_version = server.publish_new_version(world.template_id, newer)
    assert phone.sync().ok
    assert phone.shop.pulled.assignment(world.assignment_id).template_version_id == new_version
    assert phone.shop.pulled.template_version(world.version_id)  # kept: the draft needs it
    assert phone.shop.drafts.finish_visit(visit_id).ok
    result = phone.sync()
    assert result.ok and result.pushed == 1
    assert phone.shop.drafts.visit_document(visit_id)["template_version_id"] == world.version_id
    assert server.visit(visit_id)["score_percent"] == phone.shop.drafts.score_preview(visit_id).percent
