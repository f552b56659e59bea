"""The SQLite half of a backup: the online backup API copies a database that another connection keeps writing, in
steps; when the writes keep restarting it, the rest is copied in one step, and the copy is always whole."""

from __future__ import annotations

import sqlite3
import threading

from server.services.backup import database_snapshot
from server.services.backup.database_snapshot import MAX_RESTARTS, copy_sqlite

ROWS = 2000


def make_source(path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        connection.executemany("INSERT INTO t (body) VALUES (?)", [("x" * 1000,)] * ROWS)
    connection.close()


def rows_in(path) -> int:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return connection.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        connection.close()


def test_a_quiet_database_is_copied_in_steps_without_a_restart(tmp_path):
    make_source(tmp_path / "live.db")
    assert copy_sqlite(tmp_path / "live.db", tmp_path / "copy.db", step_pages=50) == 0
    assert rows_in(tmp_path / "copy.db") == ROWS
    assert not (tmp_path / "copy.db-wal").exists()


def test_a_database_written_between_every_step_is_copied_whole_in_one_step_after_its_restarts(tmp_path, monkeypatch):
    make_source(tmp_path / "live.db")
    writer = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    written = []

    class WriteBetweenSteps(database_snapshot._RestartWatch):
        """The server's worst case: a commit lands between every two steps of the copy."""

        def __call__(self, status: int, remaining: int, total: int) -> None:
            super().__call__(status, remaining, total)
            writer.execute("INSERT INTO t (body) VALUES ('written during the backup')")
            written.append(remaining)

    monkeypatch.setattr(database_snapshot, "_RestartWatch", WriteBetweenSteps)
    try:
        restarts = copy_sqlite(tmp_path / "live.db", tmp_path / "copy.db", step_pages=5)
    finally:
        writer.close()
    assert restarts == MAX_RESTARTS + 1  # it gave up on steps and copied the rest at once
    assert written[-1] == 0  # the last call was that one step's
    assert rows_in(tmp_path / "copy.db") == ROWS + len(written) - 1  # all but the write after the last step


def test_copies_under_a_busy_writer_are_always_whole(tmp_path):
    make_source(tmp_path / "live.db")
    stop, written = threading.Event(), []

    def writer() -> None:
        connection = sqlite3.connect(tmp_path / "live.db", timeout=10, isolation_level=None)
        connection.execute("PRAGMA synchronous=OFF")
        while not stop.is_set() and len(written) < 50_000:
            connection.execute("INSERT INTO t (body) VALUES ('written during the backup')")
            written.append(1)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = [copy_sqlite(tmp_path / "live.db", tmp_path / f"copy{n}.db", step_pages=1) for n in range(3)]
    finally:
        stop.set()
        thread.join(30)
    assert len(copies) == 3 and written
    counts = [rows_in(tmp_path / f"copy{n}.db") for n in range(3)]
    assert ROWS <= counts[0] <= counts[1] <= counts[2] <= ROWS + len(written)
