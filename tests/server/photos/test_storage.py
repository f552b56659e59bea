"""Photo storage on both backends (local files, an S3 bucket on a real endpoint): chunked writes, atomic finalise,
locks, and keys that cannot escape their storage. Tests that name files or fsync are the filesystem's own."""

from __future__ import annotations

import io
import os
import uuid

import pytest

from server import create_app
from server.storage import (
    BLOCK_SIZE,
    FileStore,
    FilesystemStorage,
    InvalidKey,
    NotStored,
    OffsetMismatch,
    PhotoStorage,
    StorageBusy,
    current_files,
    current_storage,
    photo_key,
)
from server.storage.s3 import S3Files, S3Storage

KEY = photo_key(uuid.uuid4(), uuid.uuid4())


BACKENDS = ["filesystem", "s3"]


@pytest.fixture(params=BACKENDS)
def storage(request, tmp_path):
    """Each backend in turn: a folder, then a fresh bucket on the session's S3 endpoint."""
    if request.param == "filesystem":
        return FilesystemStorage(tmp_path / "photos")
    return request.getfixturevalue("s3_endpoint").storage(request.getfixturevalue("s3_bucket"))


@pytest.fixture
def fs_storage(tmp_path):
    return FilesystemStorage(tmp_path / "photos")


def leftovers(storage, tmp_path) -> list:
    """Everything the storage holds: files under the test's folder, or the bucket's objects."""
    if isinstance(storage, S3Storage):
        return list(storage.bucket.objects(""))
    return list(tmp_path.rglob("*"))


class Reads(io.BytesIO):
    """A stream that remembers how much each read asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size=-1):
        self.asked.append(size)
        return super().read(size)


class Breaks(io.BytesIO):
    """A stream whose connection drops after `after` bytes."""

    def __init__(self, data: bytes, after: int):
        super().__init__(data[:after])

    def read(self, size=-1):
        block = super().read(size)
        if not block:
            raise ConnectionResetError("client went away")
        return block


def test_chunks_append_at_their_offset_and_finalise_makes_the_final_file(storage):
    assert storage.write_chunk(KEY, io.BytesIO(b"hello "), 0) == 6
    assert storage.write_chunk(KEY, io.BytesIO(b"world"), 6) == 5
    assert storage.partial_size(KEY) == 11 and not storage.exists(KEY)
    with pytest.raises(NotStored):
        storage.open(KEY)
    storage.finalise(KEY)
    assert storage.exists(KEY) and storage.partial_size(KEY) == 0
    with storage.open(KEY) as stored:
        assert stored.read() == b"hello world"
    assert isinstance(storage, PhotoStorage)


def test_a_final_photo_is_a_file_named_by_its_key(fs_storage):
    fs_storage.write_chunk(KEY, io.BytesIO(b"x"), 0)
    fs_storage.finalise(KEY)
    assert fs_storage.path(KEY) == fs_storage.root / KEY and fs_storage.path(KEY).read_bytes() == b"x"


def test_a_stored_photo_reads_in_blocks_and_seeks_anywhere(storage):
    data = os.urandom(5 * BLOCK_SIZE + 7)
    storage.write_chunk(KEY, io.BytesIO(data[:70_000]), 0)
    storage.write_chunk(KEY, io.BytesIO(data[70_000:]), 70_000)
    storage.finalise(KEY)
    with storage.open(KEY) as stored:
        assert stored.read(10) == data[:10]
        stored.seek(len(data) - 7)
        assert stored.read() == data[-7:]
        stored.seek(65_000)
        assert stored.read(10_000) == data[65_000:75_000]
    with pytest.raises(NotStored):
        storage.open(photo_key(uuid.uuid4(), uuid.uuid4()))


def test_finalise_replaces_an_earlier_final_photo_whole(storage):
    for content in (b"first version", b"second"):
        storage.write_chunk(KEY, io.BytesIO(content), 0)
        storage.finalise(KEY)
    with storage.open(KEY) as stored:
        assert stored.read() == b"second"


def test_the_body_is_copied_in_blocks_never_read_whole(storage):
    data = os.urandom(3 * BLOCK_SIZE + 10)
    stream = Reads(data)
    storage.write_chunk(KEY, stream, 0)
    assert all(0 < size <= BLOCK_SIZE for size in stream.asked)
    with storage.open_partial(KEY) as partial:
        assert partial.read() == data


def test_a_chunk_past_the_end_of_the_partial_data_is_refused_with_its_real_size(storage):
    storage.write_chunk(KEY, io.BytesIO(b"abc"), 0)
    with pytest.raises(OffsetMismatch) as caught:
        storage.write_chunk(KEY, io.BytesIO(b"xyz"), 10)
    assert caught.value.actual == 3 and storage.partial_size(KEY) == 3


def test_data_past_the_offset_from_an_unacknowledged_write_is_replaced(storage):
    storage.write_chunk(KEY, io.BytesIO(b"abcdef"), 0)
    storage.write_chunk(KEY, io.BytesIO(b"XY"), 3)
    with storage.open_partial(KEY) as partial:
        assert partial.read() == b"abcXY"


def test_a_stream_that_fails_keeps_nothing_of_that_call(storage):
    storage.write_chunk(KEY, io.BytesIO(b"first"), 0)
    with pytest.raises(ConnectionResetError):
        storage.write_chunk(KEY, Breaks(b"second part", after=4), 5)
    assert storage.partial_size(KEY) == 5


def test_finalise_is_one_atomic_rename_after_fsync(fs_storage, monkeypatch):
    storage = fs_storage
    storage.write_chunk(KEY, io.BytesIO(b"photo bytes"), 0)
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        storage.finalise(KEY)
    assert not storage.exists(KEY) and storage.partial_size(KEY) == 11  # nothing half-done: retry later
    monkeypatch.undo()
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    storage.finalise(KEY)
    assert len(synced) >= 3  # the file before the crash, the file and its folder after
    assert storage.exists(KEY) and storage.partial_size(KEY) == 0


def test_finalise_without_partial_data_says_so(storage):
    with pytest.raises(NotStored):
        storage.finalise(KEY)
    with pytest.raises(NotStored):
        storage.open_partial(KEY)


def test_delete_removes_final_and_partial_data_and_tolerates_missing_keys(storage):
    storage.write_chunk(KEY, io.BytesIO(b"abc"), 0)
    storage.finalise(KEY)
    storage.write_chunk(KEY, io.BytesIO(b"ab"), 0)
    storage.delete(KEY)
    assert not storage.exists(KEY) and storage.partial_size(KEY) == 0
    assert leftovers(storage, storage.root if isinstance(storage, FilesystemStorage) else None) == []
    storage.delete(KEY)
    storage.discard_partial(KEY)


def test_partials_lists_each_key_with_unfinished_data_once(storage):
    other = photo_key(uuid.uuid4(), uuid.uuid4())
    storage.write_chunk(KEY, io.BytesIO(b"ab"), 0)
    storage.write_chunk(KEY, io.BytesIO(b"cd"), 2)
    storage.write_chunk(other, io.BytesIO(b"x"), 0)
    storage.finalise(other)
    listed = dict(storage.partials())
    assert list(listed) == [KEY] and listed[KEY].tzinfo is not None


def hold_and_contend(storage) -> None:
    """Hold KEY's lock: a second taker is refused at once, another photo's lock is free; then KEY's is free again."""
    other = photo_key(uuid.uuid4(), uuid.uuid4())
    with storage.lock(KEY):
        with pytest.raises(StorageBusy), storage.lock(KEY):
            pass
        with storage.lock(other):
            pass
    with storage.lock(KEY):
        pass


def test_only_one_upload_holds_a_photos_lock(storage):
    hold_and_contend(storage)


def test_a_photos_lock_leaves_no_file_behind(fs_storage):
    hold_and_contend(fs_storage)
    assert not list(fs_storage.root.rglob("*.lock"))


# Fixed UUIDs, so that every pytest-xdist worker collects the same test ids.
U1, U2 = "3f0c5d2e-8a4b-4c1d-9e7f-1a2b3c4d5e6f", "b7e1c9a0-2d3f-4e5a-8b6c-7d8e9f0a1b2c"


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "a/b",
        "",
        U1,
        f"{U1}/../{U2}",
        f"{U1}/{U2}/..",
        f"{U1}\\{U2}",
        f"{U1}/{U2}\x00",
        f"{U1}/{U2}".upper(),
        f"{U1}/{U2}.partial",
        f"../{U1}",
        f"{U1}/{U2}\n",
        None,
        42,
    ],
)
def test_keys_other_than_two_canonical_uuids_are_refused_by_every_method(storage, tmp_path, key):
    calls = [
        lambda: storage.write_chunk(key, io.BytesIO(b"x"), 0),
        lambda: storage.partial_size(key),
        lambda: storage.open_partial(key),
        lambda: storage.discard_partial(key),
        lambda: storage.finalise(key),
        lambda: storage.open(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: storage.lock(key).__enter__(),
    ]
    for call in calls:
        with pytest.raises(InvalidKey):
            call()
    assert leftovers(storage, tmp_path) == []


def test_photo_keys_are_built_only_from_uuids():
    visit, photo = uuid.uuid4(), uuid.uuid4()
    assert photo_key(str(visit).upper(), photo) == f"{visit}/{photo}"
    for bad in ("..", "x" * 36, "../../etc"):
        with pytest.raises(ValueError):
            photo_key(bad, photo)


def test_the_app_gets_an_s3_storage_and_file_store_on_one_bucket_with_no_secret_shown(tmp_path, s3_endpoint, s3_bucket):
    config = s3_endpoint.config(s3_bucket, S3_PREFIX="/fa/prod/")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **config})
    with app.app_context():
        storage, files = current_storage(), current_files()
        assert isinstance(storage, S3Storage) and isinstance(storage, PhotoStorage)
        assert isinstance(files, S3Files) and isinstance(files, FileStore) and files.bucket is storage.bucket
        assert storage.bucket.prefix == "fa/prod/"
        shown = f"{storage!r} {files!r} {storage.bucket.settings!r}"
        assert s3_bucket in shown and config["S3_SECRET_ACCESS_KEY"] not in shown
        assert config["S3_ACCESS_KEY_ID"] not in shown
    for bad, message in (({"S3_BUCKET": ""}, "needs FIELDAUDIT_S3_BUCKET"), ({"S3_PREFIX": "a/../b"}, "S3_PREFIX")):
        with pytest.raises(RuntimeError, match=message):
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **config, **bad})
    with pytest.raises(RuntimeError, match="both"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **config, "S3_SECRET_ACCESS_KEY": ""})


def test_the_app_gets_the_configured_storage(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "PHOTO_STORAGE_PATH": str(tmp_path / "p")}
    )
    with app.app_context():
        assert isinstance(current_storage(), FilesystemStorage) and isinstance(current_storage(), PhotoStorage)
        assert current_storage().root == tmp_path / "p"
    with pytest.raises(RuntimeError, match="PHOTO_STORAGE must be one of"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "PHOTO_STORAGE": "floppy"})
