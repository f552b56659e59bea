"""Uploads stream from the socket to storage: never the whole body in memory, one writer per photo at a time."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc
import uuid

import pytest
from flask import Request
from sqlalchemy import func, select

from server.models import Change, Photo, Visit
from server.storage import current_storage, photo_key
from tests.clients import new_client
from tests.server.photos.factories import PhotoFile, big_png, make_photo_visit, png_bytes, put

MIB = 1024 * 1024
PATTERN = hashlib.sha256(b"pattern").digest() * 2048  # 64 KiB of bytes that do not compress to nothing


class Seekable:
    """What werkzeug's test client asks of an input stream: tell() and seek(), to measure it."""

    size = pos = 0

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = self.size + offset if whence == 2 else offset
        return self.pos


PREFIX = png_bytes()


class Generated(Seekable):
    """A body of `size` bytes made on the fly (a small real PNG, then a pattern): nothing held but one block."""

    def __init__(self, size: int):
        self.size, self.pos = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n is None or n < 0 else min(n, self.size - self.pos)
        block = PREFIX[self.pos : self.pos + n]
        offset = self.pos + len(block)
        while len(block) < n:
            start = (offset - len(PREFIX)) % len(PATTERN)
            piece = PATTERN[start : start + n - len(block)]
            block += piece
            offset += len(piece)
        self.pos += len(block)
        return block


def generated_sha256(size: int) -> str:
    digest, body = hashlib.sha256(), Generated(size)
    while block := body.read(64 * 1024):
        digest.update(block)
    return digest.hexdigest()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PHOTO_MAX_BYTES": 64 * MIB, "MAX_CONTENT_LENGTH": 64 * MIB}


def test_the_upload_endpoint_never_reads_the_body_whole(client, session, make, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the photo body must be streamed, not read whole")

    monkeypatch.setattr(Request, "get_data", forbidden)
    visit = make_photo_visit(make, session, [("storefront", big_png(300_000), "image/png")])
    assert put(client, visit, visit.photos[0]).status_code == 201


def test_a_body_many_times_larger_than_the_memory_budget_uploads_within_it(client, session, make):
    size, budget = 24 * MIB, 3 * MIB
    visit = make_photo_visit(make, session, [("storefront", b"\x89PNG\r\n\x1a\n", "image/png")])
    photo = visit.photos[0]
    # Point the manifest at the generated body (the visit was recorded with a stand-in of the same type).
    row = session.get(Photo, uuid.UUID(photo.id))
    row.sha256, row.size = generated_sha256(size), size
    session.commit()
    client.head(visit.url(photo), headers=visit.headers)  # warm up the request path
    tracemalloc.start()
    try:
        response = client.put(
            visit.url(photo),
            input_stream=Generated(size),
            headers={**visit.headers, "Content-Type": "image/png"},
            environ_overrides={"CONTENT_LENGTH": str(size)},
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, response.json
    assert peak < budget, f"peak {peak / MIB:.1f} MiB for a {size // MIB} MiB body"
    assert current_storage().path(photo_key(visit.id, photo.id)).stat().st_size == size


class Paused(Seekable):
    """A body that stops after `pause_at` bytes until `go` is set (a slow phone)."""

    def __init__(self, data: bytes, pause_at: int):
        self.data, self.pos, self.pause_at, self.size = data, 0, pause_at, len(data)
        self.paused, self.go = threading.Event(), threading.Event()

    def read(self, n: int = -1) -> bytes:
        if self.pos >= self.pause_at and not self.go.is_set():
            self.paused.set()
            assert self.go.wait(20)
        end = len(self.data) if n is None or n < 0 else self.pos + n
        if self.pos < self.pause_at:
            end = min(end, self.pause_at)
        block, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return block


def _put_in_thread(app, visit, photo: PhotoFile, body, results: dict, name: str) -> threading.Thread:
    def run():
        response = new_client(app).put(
            visit.url(photo),
            input_stream=body,
            headers={**visit.headers, "Content-Type": photo.content_type},
            environ_overrides={"CONTENT_LENGTH": str(len(photo.content))},
        )
        results[name] = (response.status_code, response.json)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_upload_of_the_same_photo_while_one_is_running_is_told_to_wait_and_nothing_is_corrupted(
    app, client, session, make
):
    content = big_png(400_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    slow, results = Paused(content, pause_at=150_000), {}
    thread = _put_in_thread(app, visit, photo, slow, results, "slow")
    assert slow.paused.wait(20)
    rival = put(client, visit, photo, content[::-1])  # different bytes: would corrupt the file if it got in
    assert rival.status_code == 409 and rival.headers["Retry-After"]
    assert "in progress" in rival.json["message"]
    slow.go.set()
    thread.join(30)
    assert results["slow"][0] == 201
    with current_storage().open(photo_key(visit.id, photo.id)) as data:
        assert data.read() == content


def test_the_last_two_photos_finishing_together_submit_the_visit_exactly_once(app, session, make):
    visit = make_photo_visit(
        make, session, [("storefront", big_png(200_000), "image/png"), ("receipt", big_png(250_000), "image/png")]
    )
    changes_before = session.scalar(select(func.count()).select_from(Change).where(Change.entity == "visit"))
    bodies = [Paused(p.content, pause_at=len(p.content) - 1) for p in visit.photos]
    results: dict = {}
    threads = [_put_in_thread(app, visit, p, b, results, p.id) for p, b in zip(visit.photos, bodies)]
    for body in bodies:
        assert body.paused.wait(20)
    for body in bodies:  # both send their last byte at the same moment
        body.go.set()
    for thread in threads:
        thread.join(30)
    assert [r[0] for r in results.values()] == [201, 201]
    assert "submitted" in [r[1]["visit_status"] for r in results.values()]
    session.expire_all()
    assert session.get(Visit, uuid.UUID(visit.id)).status.value == "submitted"
    changes = session.scalar(select(func.count()).select_from(Change).where(Change.entity == "visit"))
    assert changes == changes_before + 1


def test_a_body_over_the_request_limit_gets_a_clear_413_in_json(app, client, session, make):
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    visit = make_photo_visit(make, session, [("storefront", big_png(150_000), "image/png")])
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 413
    assert response.json["status"] == 413 and "Content-Range" in response.json["message"]
    photo = visit.photos[0]
    assert put(client, visit, photo, photo.content[:90_000], start=0).status_code == 200
    assert put(client, visit, photo, photo.content[90_000:], start=90_000).status_code == 201


def test_photos_over_the_servers_photo_limit_get_413(app, client, session, make):
    visit = make_photo_visit(make, session, [("storefront", big_png(60_000), "image/png")])
    app.config["PHOTO_MAX_BYTES"] = 50_000  # lowered after the visit was accepted: the upload still enforces it
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 413 and "at most 50000 bytes" in response.json["message"]
