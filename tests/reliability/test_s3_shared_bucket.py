"""Several real processes on one S3 bucket (moto's server): a writer SIGKILLed midway through a multipart save
leaves nothing under the name, processes sharing a photo's Redis upload lock never lose an update, and the real
server with two workers takes a resumable upload into the bucket and serves it."""

from __future__ import annotations

import io
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from server.storage import file_name, photo_key
from server.storage.s3 import S3Files
from tests.reliability.server_process import ROOT, ServerProcess
from tests.s3_endpoint import moto_server
from tests.server.photos.factories import image_bytes, make_photo_visit

KEY = photo_key(uuid.uuid4(), uuid.uuid4())


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a process of its own (tests/server/conftest.py has the same for the server tests)."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint):
    return s3_endpoint.new_bucket()


KILLED_WRITER = """
import sys, time
from server.storage.s3 import PART_SIZE, S3Bucket, S3Files, S3Settings
from tests.s3_endpoint import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

class Slow:
    sent = 0
    def read(self, size=-1):
        if self.sent >= PART_SIZE + 1024 * 1024:
            print("first part sent", flush=True)
            time.sleep(60)
        self.sent += 65536
        return bytes(65536)

settings = S3Settings(sys.argv[2], endpoint_url=sys.argv[1], region=REGION, access_key_id=ACCESS_KEY_ID,
                      secret_access_key=SECRET_ACCESS_KEY)
S3Files(S3Bucket(settings)).save(sys.argv[3], Slow())
"""


def test_a_writer_killed_midway_through_a_multipart_save_leaves_nothing_under_the_name(s3_endpoint, s3_bucket):
    name = file_name("jobs", uuid.uuid4(), "region-SOUTH.pdf")
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, s3_endpoint.url, s3_bucket, name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "first part sent"
        assert s3_endpoint.uploads(s3_bucket) == [f"files/{name}"]  # a part is in: the upload has begun
    finally:
        writer.kill()
        writer.wait(10)
    files = S3Files(s3_endpoint.storage(s3_bucket).bucket)
    assert not files.exists(name) and list(files.names("jobs")) == [] and s3_endpoint.keys(s3_bucket) == []
    # moto reports every multipart upload as begun on 2010-11-10, so "too recent to sweep" is checked before that
    assert files.sweep("jobs", datetime(2001, 1, 1, tzinfo=UTC)) == 0
    assert files.sweep("jobs", datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert s3_endpoint.uploads(s3_bucket) == []


ROUNDS = 5
COUNTER = """
import io, sys, time
from server.storage import StorageBusy
from server.storage.s3 import S3Settings, S3Storage
from tests.s3_endpoint import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

endpoint, bucket, key, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
storage = S3Storage.from_settings(S3Settings(bucket, endpoint_url=endpoint, region=REGION, access_key_id=ACCESS_KEY_ID,
                                             secret_access_key=SECRET_ACCESS_KEY, redis_url="redis://127.0.0.1:6379/0"))
done = busy = 0
deadline = time.monotonic() + 60
while done < rounds and time.monotonic() < deadline:
    try:
        with storage.lock(key):
            with storage.open(key) as stored:
                count = int(stored.read())
            time.sleep(0.02)  # widen the window a lost update would need
            storage.write_chunk(key, io.BytesIO(str(count + 1).encode()), 0)
            storage.finalise(key)
        done += 1
    except StorageBusy:
        busy += 1
        time.sleep(0.01)
print(done, busy)
"""


def test_processes_sharing_a_bucket_through_redis_locks_never_lose_an_update(s3_endpoint, s3_bucket):
    storage = s3_endpoint.storage(s3_bucket)
    storage.write_chunk(KEY, io.BytesIO(b"0"), 0)
    storage.finalise(KEY)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, s3_endpoint.url, s3_bucket, KEY, str(ROUNDS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [writer.communicate(timeout=120)[0].split() for writer in writers]
    assert all(writer.returncode == 0 for writer in writers)
    assert [int(done) for done, _ in outputs] == [ROUNDS] * 3
    assert sum(int(busy) for _, busy in outputs) > 0  # they did contend for the lock
    with storage.open(KEY) as stored:
        assert stored.read() == str(3 * ROUNDS).encode()  # without the shared lock they corrupt it at once


def test_two_gunicorn_workers_on_one_bucket_take_a_resumable_upload_and_serve_it(
    database_url, tmp_path, make, session, s3_endpoint, s3_bucket
):
    """The real `fieldaudit run` (2 workers, Redis locks): chunks land on whichever worker, the photo is whole."""
    env = {f"FIELDAUDIT_{name}": str(value) for name, value in s3_endpoint.config(s3_bucket, S3_PREFIX="live").items()}
    env |= {
        "FIELDAUDIT_REDIS_URL": "redis://127.0.0.1:6379/0",
        "FIELDAUDIT_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "FIELDAUDIT_RATELIMIT_KEY_PREFIX": f"fa-s3-test-{uuid.uuid4().hex[:8]}",
    }
    content = image_bytes("JPEG", (1600, 1200), quality=95)
    visit = make_photo_visit(make, session, [("storefront", content, "image/jpeg")])
    photo = visit.photos[0]
    server = ServerProcess(database_url, tmp_path / "server", ["--workers", "2"], env)
    server.start()
    try:
        cut = len(content) // 2
        for start, end in ((0, cut), (cut, len(content))):
            answer = requests.put(
                server.url + visit.url(photo),
                data=content[start:end],
                headers={
                    **visit.headers,
                    "Content-Type": "image/jpeg",
                    "Content-Range": f"bytes {start}-{end - 1}/{len(content)}",
                },
                timeout=30,
            )
            assert answer.status_code in (200, 201), answer.text
        assert answer.status_code == 201 and answer.json()["visit_status"] == "submitted"
        key = photo_key(visit.id, photo.id)
        assert s3_endpoint.keys(s3_bucket) == [
            f"live/photos/{key}",
            f"live/photos/{key}~page",
            f"live/photos/{key}~thumb",
        ]
        for _ in range(4):  # whichever worker answers
            served = requests.get(server.url + visit.url(photo, "/content"), headers=visit.headers, timeout=30)
            assert served.status_code == 200 and served.content == content
    finally:
        server.stop()
    assert "Traceback" not in server.output()
