"""Connections dropped at random points of pulls, pushes and photo uploads: after retrying, 0 visits or photos lost,
0 duplicated, and the server's totals equal the phone's."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from mobile.store import VisitState
from tests.mobile.world import make_world

CHUNK = 32 * 1024
KINDS = ("drop_before", "drop_after", "status")
TARGETS = (
    ("GET", "/sync/changes"),
    ("POST", "/sync/push"),
    ("HEAD", "/photos/"),
    ("PUT", "/photos/"),
    ("GET", "/api/v1/visits/"),
)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_dropped_connections_lose_and_duplicate_nothing(live_server, tmp_path, seed):
    rng = random.Random(seed)
    world = make_world(live_server, tmp_path, chunk_size=CHUNK)
    phone, server = world.phone, world.server
    assert phone.sync().ok
    ids = [phone.complete_visit(world.assignment_id, photo_options={"noise": 100_000, "seed": seed})]
    ids += [
        phone.complete_visit(
            branch_id=world.branch_id,
            template_version_id=world.version_id,
            photo_options={"noise": rng.randrange(1000, 120_000), "seed": seed + n},
        )
        for n in range(2)
    ]
    for _ in range(8):
        method, path = rng.choice(TARGETS)
        kind = rng.choice(KINDS)
        phone.faults.fail(method, path, kind, after=rng.randrange(0, 4), status=rng.choice([500, 502, 503]))

    for _ in range(10):
        if phone.sync().ok and not phone.shop.outbox.photos_to_upload():
            break
    else:
        pytest.fail("the phone never finished syncing")

    injected = [s.injected for s in phone.faults.seen if s.injected]
    assert len(injected) >= 3, injected
    assert server.count("Visit") == 3 and server.count("VisitRevision") == 3
    photos = [p for i in ids for p in phone.shop.drafts.photos(i)]
    assert server.count("Photo") == len(photos) == 3
    stored = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path(server.app.config["PHOTO_STORAGE_PATH"]).rglob("*")
        if p.is_file() and not p.name.endswith(".partial")
    }
    for visit_id in ids:
        record = server.visit(visit_id)
        assert record["status"] == "submitted"
        assert record["score_percent"] == phone.shop.drafts.score_preview(visit_id).percent
        assert phone.shop.drafts.visit(visit_id).state is VisitState.SENT
    for photo in photos:
        assert photo.uploaded and photo.sha256 in stored
