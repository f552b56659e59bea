"""Photo uploads against the real server: chunked from the file, resumable from the server's offset after a
cancel or a dropped connection, restarted after a hash mismatch."""

from __future__ import annotations

import threading
from datetime import UTC

import pytest

from mobile.store import VisitState
from mobile.sync import PHOTOS, ApiClient
from tests.mobile.world import make_world

CHUNK = 64 * 1024
BIG = {"noise": 300_000}  # a ~300 KB PNG: five chunks of 64 KiB


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path, chunk_size=CHUNK)


def content_ranges(phone) -> list[str]:
    return [s.headers.get("Content-Range") for s in phone.faults.calls("PUT", "/photos/")]


def test_a_big_photo_goes_in_chunks_with_content_range(world):
    phone = world.phone
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id, photo_options=BIG)
    photo = phone.shop.drafts.photos(visit_id)[0]
    assert photo.size > 4 * CHUNK
    assert phone.sync().ok
    ranges = content_ranges(phone)
    assert ranges[0] == f"bytes 0-{CHUNK - 1}/{photo.size}"
    assert ranges[-1].endswith(f"-{photo.size - 1}/{photo.size}") and len(ranges) == -(-photo.size // CHUNK)
    assert world.server.visit(visit_id)["photos"][photo.id] == (photo.size, photo.size, True)


def test_a_sync_cancelled_mid_photo_resumes_from_the_servers_offset(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id, photo_options=BIG)
    photo = phone.shop.drafts.photos(visit_id)[0]
    cancel = threading.Event()

    def progress(stage, done, total):
        if stage == PHOTOS and done >= 2 * CHUNK:
            cancel.set()

    result = phone.engine().run(progress, cancel)
    assert result.cancelled and result.pushed == 1 and result.uploaded == 0
    local = phone.shop.drafts.photos(visit_id)[0]
    assert local.uploaded_bytes == 2 * CHUNK and not local.uploaded
    assert phone.shop.drafts.visit(visit_id).state is VisitState.AWAITING_PHOTOS
    held = ApiClient(server.url, phone.shop.account.token).upload_state(visit_id, photo.id)
    assert held.received_bytes == 2 * CHUNK
    assert server.visit(visit_id)["status"] == "awaiting_photos"

    sent_before = len(content_ranges(phone))
    resumed = phone.sync()
    assert resumed.ok and resumed.uploaded == 1
    assert resumed.uploaded_bytes == photo.size - 2 * CHUNK
    assert content_ranges(phone)[sent_before].startswith(f"bytes {2 * CHUNK}-")
    assert server.visit(visit_id)["status"] == "submitted"
    assert phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_a_connection_dropped_mid_photo_continues_where_the_server_is(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id, photo_options=BIG)
    phone.faults.fail("PUT", "/photos/", "drop_after", after=1)
    phone.faults.fail("PUT", "/photos/", "drop_before", after=2)
    result = phone.sync()
    assert result.ok and result.retries >= 2
    assert all(fault.times == 0 for fault in phone.faults.faults)
    photo = phone.shop.drafts.photos(visit_id)[0]
    assert result.uploaded_bytes <= photo.size + CHUNK  # at most one chunk sent twice
    assert server.visit(visit_id)["photos"][photo.id] == (photo.size, photo.size, True)


def test_a_hash_mismatch_restarts_the_photo_from_the_first_byte(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id, photo_options=BIG)
    phone.faults.fail("PUT", "/photos/", "corrupt", after=1)
    result = phone.sync()
    assert result.ok, result
    ranges = content_ranges(phone)
    statuses = [s.status for s in phone.faults.calls("PUT", "/photos/")]
    assert 400 in statuses
    assert ranges[statuses.index(400) + 1].startswith("bytes 0-")
    photo = phone.shop.drafts.photos(visit_id)[0]
    assert server.visit(visit_id)["photos"][photo.id] == (photo.size, photo.size, True)


def test_a_photo_file_changed_on_the_phone_marks_the_visit_and_keeps_it(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    photo = phone.shop.drafts.photos(visit_id)[0]
    path = phone.shop.drafts.photo_path(photo)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    result = phone.sync()
    assert result.failed == [visit_id]
    visit = phone.shop.drafts.visit(visit_id)
    assert visit.state is VisitState.ERROR and "changed on this device" in visit.last_error
    assert server.visit(visit_id)["status"] == "awaiting_photos"


def _two_photo_visit(phone, world, sizes: list[tuple[int, int]]) -> str:
    """A finished visit with one storefront photo per size, taken in that order."""
    from datetime import datetime, timedelta

    from tests.mobile.factories import fill, write_png

    visit = phone.shop.drafts.start_visit(world.assignment_id)
    fill(phone.shop, visit.id)
    start = datetime.now(UTC)
    for n, (width, height) in enumerate(sizes):
        png = write_png(phone.folder / "camera", f"{visit.id}-{n}.png", width=width, height=height, seed=n)
        phone.shop.drafts.add_photo(visit.id, "storefront", png, taken_at=start + timedelta(seconds=n))
    assert phone.shop.drafts.finish_visit(visit.id).ok
    return visit.id


def test_a_photo_refused_for_its_pixels_marks_the_visit_with_the_reason_and_its_other_photos_still_go(world):
    phone, server = world.phone, world.server
    server.app.config["PHOTO_MAX_PIXELS"] = 10_000
    phone.sync()
    visit_id = _two_photo_visit(phone, world, [(200, 100), (40, 30)])  # the first one is over the limit
    big, small = phone.shop.drafts.photos(visit_id)
    result = phone.sync()
    assert visit_id in result.failed and result.uploaded == 1
    assert server.visit(visit_id)["photos"][small.id][2] is True  # the other photo went through
    assert server.visit(visit_id)["photos"][big.id][2] is False
    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.ERROR
    assert "200×100 pixels" in local.last_error and "at most 0.01 megapixels" in local.last_error


def test_a_server_short_of_space_stops_the_photo_step_and_the_visit_waits_for_the_next_sync(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    server.app.config["PHOTO_MIN_FREE_BYTES"] = 1 << 62
    result = phone.sync()
    assert result.pushed == 1 and result.uploaded == 0
    assert any("short of storage space" in e for e in result.errors)
    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.AWAITING_PHOTOS and "short of storage space" in local.last_error
    assert len(phone.faults.calls("PUT", "/photos/")) == 1  # not hammered with retries
    server.app.config["PHOTO_MIN_FREE_BYTES"] = 0
    assert phone.sync().uploaded == 1 and phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_a_used_up_daily_allowance_stops_the_photo_step_with_the_servers_message(world):
    phone, server = world.phone, world.server
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id)
    server.app.config["PHOTO_MIN_FREE_BYTES"] = 1 << 62  # the visit is pushed, its photo held back
    phone.sync()
    server.app.config.update(PHOTO_MIN_FREE_BYTES=0, SHOPPER_DAILY_PHOTOS=0)
    result = phone.sync()
    assert result.uploaded == 0 and any("daily allowance" in e for e in result.errors)
    local = phone.shop.drafts.visit(visit_id)
    assert local.state is VisitState.AWAITING_PHOTOS and "daily allowance of 0 photos" in local.last_error
    server.app.config["SHOPPER_DAILY_PHOTOS"] = 10
    assert phone.sync().uploaded == 1 and phone.shop.drafts.visit(visit_id).state is VisitState.SENT
