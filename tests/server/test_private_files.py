"""The instance folder is 0700; the secret key is 0600 and created atomically (racing processes agree on one);
the SQLite database and its -wal/-shm files and the photos are private, whatever the umask."""

from __future__ import annotations

import io
import multiprocessing
import os
import sqlite3
import threading
from contextlib import contextmanager

import pytest

from server import create_app
from server.private_files import private_folder, private_sqlite_database, secret_key_in
from server.storage import FilesystemStorage


def mode(path) -> int:
    return path.stat().st_mode & 0o777


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def _race_for_the_key(folder: str, barrier, results) -> None:
    barrier.wait()
    results.put(secret_key_in(folder))


@pytest.mark.parametrize("round_", range(3))
def test_processes_starting_at_once_agree_on_one_secret_key(tmp_path, round_):
    context = multiprocessing.get_context("fork")
    folder = tmp_path / "instance"
    racers = 6
    barrier, results = context.Barrier(racers), context.Queue()
    processes = [context.Process(target=_race_for_the_key, args=(str(folder), barrier, results)) for _ in range(racers)]
    for process in processes:
        process.start()
    keys = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(30)
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (folder / "secret_key").read_text() == keys[0]
    assert mode(folder / "secret_key") == 0o600 and mode(folder) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["secret_key"]  # no temporary file left behind


def test_threads_starting_at_once_agree_on_one_secret_key(tmp_path):
    barrier, keys = threading.Barrier(8), []

    def race() -> None:
        barrier.wait()
        keys.append(secret_key_in(tmp_path / "instance"))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(keys) == 8 and len(set(keys)) == 1


def test_a_secret_key_left_readable_by_others_is_tightened(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a" * 64)
    key_file.chmod(0o644)
    assert secret_key_in(tmp_path) == "a" * 64
    assert mode(key_file) == 0o600


def test_the_instance_folder_is_made_private_even_under_a_lax_umask(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDAUDIT_DATABASE_URL", raising=False)
    monkeypatch.delenv("FIELDAUDIT_SECRET_KEY", raising=False)
    instance = tmp_path / "deep" / "instance"
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(instance))
    with umask(0o022):
        create_app()
    assert mode(instance) == 0o700 and mode(instance / "secret_key") == 0o600
    assert mode(instance / "fieldaudit.db") == 0o600
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    private_folder(existing)
    assert mode(existing) == 0o700


def test_the_sqlite_database_and_its_wal_and_shm_files_are_private(tmp_path):
    path = tmp_path / "fieldaudit.db"
    with umask(0o022):
        private_sqlite_database(f"sqlite:///{path}")
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (1)")
        connection.commit()
        try:
            wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
            assert wal.exists() and shm.exists()
            assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        finally:
            connection.close()


def test_an_existing_database_loses_rights_beyond_0640(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o666)
    private_sqlite_database(f"sqlite:///{path}")
    assert mode(path) == 0o640  # a backup group may keep reading; nobody else
    path.chmod(0o640)
    private_sqlite_database(f"sqlite:///{path}")
    assert mode(path) == 0o640


def test_other_databases_are_left_alone(tmp_path):
    private_sqlite_database("sqlite://")
    private_sqlite_database("postgresql+psycopg://u@h/db")
    private_sqlite_database(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")  # SQLite reports the missing folder itself
    assert not (tmp_path / "missing").exists()


def test_photos_and_their_folders_are_private_under_a_lax_umask(tmp_path):
    storage = FilesystemStorage(tmp_path / "photos")
    key = "0b4e4a36-87b2-4a4f-9c83-1f1f3f2c0a11/6f0a3c52-3a8b-4d7e-8f39-2b9a1c7d5e40"
    with umask(0o022):
        storage.write_chunk(key, io.BytesIO(b"\xff\xd8 not really a jpeg"), 0)
        assert mode(storage.path(key).with_suffix(".partial")) == 0o600
        storage.finalise(key)
    photo = storage.path(key)
    assert (mode(tmp_path / "photos"), mode(photo.parent), mode(photo)) == (0o700, 0o700, 0o600)
