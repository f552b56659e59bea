"""The S3 backend against a real S3 HTTP endpoint (moto's server): object layout, dropped connections, memory,
shared locks, generated files and the start-up check. The contract both backends keep is in
tests/server/photos/test_storage.py."""

from __future__ import annotations

import hashlib
import io
import threading
import time
import tracemalloc
import uuid

import pytest

from server import create_app
from server.storage import NotStored, StorageBusy, StorageError, check_storage, file_name, photo_key
from server.storage.s3 import PART_SIZE, S3Files, S3Settings, S3Storage, StorageUnavailable
from tests.server.storage.cutting_proxy import CuttingProxy

KEY = photo_key(uuid.uuid4(), uuid.uuid4())
MB = 1024 * 1024


class Generated:
    """`size` bytes made on the fly (a counter's SHA-256 blocks), so the source itself holds no photo in memory."""

    def __init__(self, size: int, seed: bytes = b"photo", fail_after: int | None = None):
        self.size, self.seed, self.fail_after, self.sent = size, seed, fail_after, 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise ConnectionResetError("the phone went away")
        want = min(size if size > 0 else 65536, self.size - self.sent)
        block = b"".join(
            hashlib.sha256(self.seed + (self.sent // 32 + i).to_bytes(8, "big")).digest() for i in range(want // 32 + 1)
        )[:want]
        self.sent += len(block)
        self.digest.update(block)
        return block


@pytest.fixture
def storage(s3_endpoint, s3_bucket):
    return s3_endpoint.storage(s3_bucket, S3_PREFIX="inst")


@pytest.fixture
def proxy(s3_endpoint):
    proxy = CuttingProxy(s3_endpoint.port)
    yield proxy
    proxy.stop()


def proxied_storage(s3_endpoint, bucket, proxy) -> S3Storage:
    """A storage that reaches the endpoint through `proxy`, with the production client (its retries, timeouts)."""
    return S3Storage.from_settings(
        S3Settings.from_config(s3_endpoint.config(bucket, S3_ENDPOINT_URL=proxy.url, S3_PREFIX="inst"))
    )


def test_chunks_are_part_objects_beside_the_photos_and_finalise_leaves_only_the_final_object(
    storage, s3_endpoint, s3_bucket
):
    storage.write_chunk(KEY, io.BytesIO(b"hello "), 0)
    storage.write_chunk(KEY, io.BytesIO(b"world"), 6)
    assert s3_endpoint.keys(s3_bucket) == [f"inst/partial/{KEY}/{0:020d}", f"inst/partial/{KEY}/{6:020d}"]
    storage.finalise(KEY)
    assert s3_endpoint.keys(s3_bucket) == [f"inst/photos/{KEY}"]
    assert s3_endpoint.uploads(s3_bucket) == []


def test_a_resumed_chunk_inside_an_earlier_part_replaces_the_rest_of_it_even_if_it_then_fails(storage):
    storage.write_chunk(KEY, io.BytesIO(b"abcdefgh"), 0)
    storage.write_chunk(KEY, io.BytesIO(b"ijkl"), 8)
    with pytest.raises(ConnectionResetError):
        storage.write_chunk(KEY, Generated(100, fail_after=10), 5)
    assert storage.partial_size(KEY) == 5  # the unacknowledged data past 5 is gone, nothing of the failed call kept
    storage.write_chunk(KEY, io.BytesIO(b"FGH"), 5)
    with storage.open_partial(KEY) as partial:
        assert partial.read() == b"abcdeFGH"


def test_a_stream_that_breaks_midway_stores_no_part_and_no_upload(storage, s3_endpoint, s3_bucket):
    storage.write_chunk(KEY, io.BytesIO(b"first"), 0)
    with pytest.raises(ConnectionResetError):
        storage.write_chunk(KEY, Generated(3 * MB, fail_after=2 * MB), 5)
    assert s3_endpoint.keys(s3_bucket) == [f"inst/partial/{KEY}/{0:020d}"]
    assert storage.partial_size(KEY) == 5


def test_a_large_photo_is_finalised_by_a_multipart_upload_of_bounded_parts(storage, s3_endpoint, s3_bucket):
    size = PART_SIZE * 2 + 12345
    source = Generated(size)
    storage.write_chunk(KEY, source, 0)
    storage.finalise(KEY)
    head = s3_endpoint.client().head_object(Bucket=s3_bucket, Key=f"inst/photos/{KEY}", PartNumber=1)
    assert head["PartsCount"] == 3 and head["ContentLength"] == PART_SIZE  # parts of PART_SIZE, the last smaller
    digest = hashlib.sha256()
    with storage.open(KEY) as stored:
        while block := stored.read(MB):
            digest.update(block)
    assert digest.hexdigest() == source.digest.hexdigest()


def test_finalising_a_20_mb_photo_holds_a_small_fraction_of_it_in_memory(storage):
    size = 20 * MB
    for start in range(0, size, 5 * MB):  # four 5 MB chunks, as a phone on a slow line sends them
        storage.write_chunk(KEY, Generated(5 * MB, seed=b"%d" % start), start)
    tracemalloc.start()
    try:
        storage.finalise(KEY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert storage.exists(KEY) and storage.partial_size(KEY) == 0
    print(f"finalise peak: {peak / MB:.2f} MB for {size // MB} MB")
    assert peak < 3 * MB, f"finalise held {peak / MB:.1f} MB at its peak for a {size // MB} MB photo"


def test_writing_and_reading_a_photo_never_holds_it_whole(storage):
    tracemalloc.start()
    try:
        storage.write_chunk(KEY, Generated(8 * MB), 0)
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        storage.finalise(KEY)
        with storage.open(KEY) as stored:
            while stored.read(64 * 1024):
                pass
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert write_peak < 3 * MB and read_peak < 3 * MB, (write_peak, read_peak)  # a quarter of the photo at most


def test_a_connection_dropped_midway_through_a_chunk_upload_leaves_no_part_and_a_retry_succeeds(
    s3_endpoint, s3_bucket, proxy
):
    storage = proxied_storage(s3_endpoint, s3_bucket, proxy)
    storage.write_chunk(KEY, io.BytesIO(b"head"), 0)
    proxy.cuts = 10  # every attempt botocore makes (3 in standard mode) is cut after 64 KiB of its body
    with pytest.raises(StorageUnavailable, match=s3_bucket):
        storage.write_chunk(KEY, Generated(MB), 4)
    assert proxy.cut_count >= 3  # botocore retried (standard mode), then gave up
    proxy.cuts = 0
    assert s3_endpoint.keys(s3_bucket) == [f"inst/partial/{KEY}/{0:020d}"] and storage.partial_size(KEY) == 4
    source = Generated(MB)
    assert storage.write_chunk(KEY, source, 4) == MB  # the phone's retry
    storage.finalise(KEY)
    with storage.open(KEY) as stored:
        assert hashlib.sha256(stored.read()[4:]).hexdigest() == source.digest.hexdigest()


def test_one_dropped_connection_is_retried_by_the_client_without_the_caller_noticing(s3_endpoint, s3_bucket, proxy):
    storage = proxied_storage(s3_endpoint, s3_bucket, proxy)
    proxy.cuts = 1
    assert storage.write_chunk(KEY, Generated(MB), 0) == MB  # the spooled body is sent again
    assert proxy.cut_count == 1 and storage.partial_size(KEY) == MB


def test_a_connection_dropped_while_finalising_leaves_the_parts_and_no_object_and_finalise_can_run_again(
    s3_endpoint, s3_bucket, proxy
):
    storage = proxied_storage(s3_endpoint, s3_bucket, proxy)
    source = Generated(PART_SIZE + MB)
    storage.write_chunk(KEY, source, 0)
    proxy.cuts = 10
    with pytest.raises(StorageUnavailable):
        storage.finalise(KEY)
    proxy.cuts = 0
    assert not storage.exists(KEY) and storage.partial_size(KEY) == PART_SIZE + MB
    assert s3_endpoint.uploads(s3_bucket) == []  # the multipart upload was aborted
    storage.finalise(KEY)
    with storage.open(KEY) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == source.digest.hexdigest()


def test_an_object_replaced_while_being_read_is_an_error_never_a_mix_of_versions(storage):
    storage.write_chunk(KEY, io.BytesIO(b"a" * 300_000), 0)
    storage.finalise(KEY)
    with storage.open(KEY) as stored:
        assert stored.read(10) == b"a" * 10
        storage.write_chunk(KEY, io.BytesIO(b"b" * 300_000), 0)
        storage.finalise(KEY)
        stored.seek(200_000)  # a new ranged GET, pinned to the version opened (If-Match)
        with pytest.raises(StorageError, match="changed"):
            stored.read(10)


def test_upload_locks_are_shared_through_redis_by_storages_of_different_processes(s3_endpoint, s3_bucket):
    config = s3_endpoint.config(s3_bucket, REDIS_URL="redis://127.0.0.1:6379/0")
    one = S3Storage.from_settings(S3Settings.from_config(config), s3_endpoint.client())
    two = S3Storage.from_settings(S3Settings.from_config(config), s3_endpoint.client())
    assert one.locks is not None and two.locks is not None and one.locks._redis is not two.locks._redis
    with one.lock(KEY):
        with pytest.raises(StorageBusy), two.lock(KEY):
            pass
        with two.lock(photo_key(uuid.uuid4(), uuid.uuid4())):
            pass
    with two.lock(KEY):
        pass


def test_a_redis_lease_is_renewed_while_held_and_expires_when_its_holder_dies(s3_endpoint, s3_bucket):
    config = s3_endpoint.config(s3_bucket, REDIS_URL="redis://127.0.0.1:6379/0")
    one = S3Storage.from_settings(S3Settings.from_config(config), s3_endpoint.client())
    two = S3Storage.from_settings(S3Settings.from_config(config), s3_endpoint.client())
    one.locks.lease_seconds = two.locks.lease_seconds = 0.6
    with one.lock(KEY):
        time.sleep(1.5)  # over two lease periods: renewed by the holder
        with pytest.raises(StorageBusy), two.lock(KEY):
            pass
    dead = one.locks._redis.lock(f"{one.locks.namespace}:{KEY}", timeout=0.6, thread_local=False)
    assert dead.acquire(blocking=False)  # a holder that never renews nor releases: a killed process
    with pytest.raises(StorageBusy), two.lock(KEY):
        pass
    time.sleep(0.9)
    with two.lock(KEY):
        pass


def test_without_redis_the_lock_is_held_in_this_process(s3_endpoint, s3_bucket):
    storage = s3_endpoint.storage(s3_bucket)
    assert storage.locks is None
    held = threading.Event()
    release = threading.Event()

    def hold():
        with storage.lock(KEY):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(StorageBusy), storage.lock(KEY):
            pass
    finally:
        release.set()
        thread.join(10)


def test_generated_files_are_saved_whole_by_multipart_and_a_broken_writer_leaves_nothing(s3_endpoint, s3_bucket):
    files = S3Files(s3_endpoint.storage(s3_bucket).bucket)
    name = file_name("jobs", uuid.uuid4(), "region-NORTH.pdf")
    source = Generated(PART_SIZE + 1000)
    assert files.save(name, source) == (PART_SIZE + 1000, source.digest.hexdigest())
    assert files.size(name) == PART_SIZE + 1000 and files.exists(name)
    assert [listed for listed, _ in files.names("jobs")] == [name]
    broken = file_name("jobs", uuid.uuid4(), "all-regions.pdf")
    with pytest.raises(ConnectionResetError):
        files.save(broken, Generated(2 * PART_SIZE, fail_after=PART_SIZE + MB))
    assert not files.exists(broken) and s3_endpoint.uploads(s3_bucket) == []
    assert [listed for listed, _ in files.names("jobs")] == [name]
    small = file_name("jobs", uuid.uuid4(), "tiny.pdf")
    files.save(small, io.BytesIO(b"%PDF-1.4 tiny"))
    with files.open(small) as stored:
        assert stored.read() == b"%PDF-1.4 tiny"
    files.delete(name)
    files.delete(name)
    with pytest.raises(NotStored):
        files.open(name)
    with pytest.raises(NotStored):
        files.size(name)


def test_an_expected_hash_that_does_not_match_stores_nothing(storage, s3_endpoint, s3_bucket):
    for size in (1000, PART_SIZE + 1000):  # one PUT, and a multipart upload
        with pytest.raises(StorageError, match="SHA-256"):
            storage.bucket.upload(f"photos/{KEY}", Generated(size), expect_sha256="0" * 64)
        assert not storage.exists(KEY) and s3_endpoint.uploads(s3_bucket) == []


def test_the_start_up_check_names_the_bucket_and_endpoint_and_never_a_secret(s3_endpoint, s3_bucket):
    def problem(**settings):
        config = {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "x",
            **s3_endpoint.config(s3_bucket, **settings),
        }
        return check_storage(create_app(config))

    assert problem() is None
    missing = problem(S3_BUCKET="no-such-bucket")
    assert "no-such-bucket" in missing and s3_endpoint.url in missing and "does not exist" in missing
    down = problem(S3_ENDPOINT_URL="http://admin:hunter2@127.0.0.1:9")
    assert "127.0.0.1:9" in down and "hunter2" not in down and "test-secret-key" not in down
    denied = problem(S3_SECRET_ACCESS_KEY="wrong-secret")
    assert denied is None or "wrong-secret" not in denied  # moto accepts any signature; a real store refuses it
    assert check_storage(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})) is None


def test_several_workers_on_s3_need_redis_for_their_upload_locks(s3_endpoint, s3_bucket):
    from server.serving import shared_locks_problem

    base = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **s3_endpoint.config(s3_bucket)}
    assert "FIELDAUDIT_REDIS_URL" in shared_locks_problem(create_app(base), 2)
    assert shared_locks_problem(create_app(base), 1) is None
    assert shared_locks_problem(create_app({**base, "REDIS_URL": "redis://127.0.0.1:6379/0"}), 4) is None


def test_a_forked_process_gets_a_client_of_its_own(storage):
    """An RQ worker builds its app before it forks work horses: no two processes may share the client's sockets."""
    import os
    import select

    parent = storage.bucket.client
    assert storage.bucket.client is parent
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new client, and it works
        try:
            child = storage.bucket.client
            ok = child is not parent and storage.exists(KEY) is False
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 30)
    answer = os.read(read, 1) if ready else b"timeout"
    if not ready:
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert storage.bucket.client is parent


def test_a_redis_that_does_not_answer_refuses_the_lock_and_says_so_in_the_log(s3_endpoint, s3_bucket, caplog):
    from tests.s3_endpoint import free_port

    config = s3_endpoint.config(s3_bucket, REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    storage = S3Storage.from_settings(S3Settings.from_config(config), s3_endpoint.client())
    with pytest.raises(StorageBusy, match="Redis"), storage.lock(KEY):
        pass
    assert "Redis does not answer" in caplog.text and "hunter2" not in caplog.text
    assert "hunter2" not in repr(storage) and "hunter2" not in repr(storage.locks)
