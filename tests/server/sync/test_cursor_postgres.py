"""On PostgreSQL a change whose transaction commits late is never skipped by the pull cursor.

T1 writes a change and stays open; T2 writes a change and commits; a pull in between must not
pass T1's change; once T1 commits, the next pull returns it. Two real connections and
transactions, with T2 in a thread (it waits for the changes lock that T1 holds).
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from server.extensions import db
from server.models import Change
from server.models import changes as change_model
from server.services.changes import record_change
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import CHANGES, assign, pull_all


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite allows one writer at a time, so its seq order is commit order already")


def waiting_for_lock(timeout: float = 5.0) -> bool:
    """True once some transaction waits for a lock on the changes table."""
    deadline = time.monotonic() + timeout
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(text("SELECT count(*) FROM pg_locks WHERE relation = 'changes'::regclass "
                                 "AND NOT granted")).scalar():
                return True
            conn.rollback()
            time.sleep(0.02)
    return False


def interleave(client, token, first, second, *, expect_wait: bool):
    """T1 records assignment `first` and stays open while T2 records `second` and commits; a pull happens between."""
    _, cursor = pull_all(client, token)
    t1, t2 = Session(db.engine), Session(db.engine)
    try:
        one = record_change(t1, "assignment", first)
        t1.flush()
        two: list[Change] = []

        def writer() -> None:
            two.append(record_change(t2, "assignment", second))
            t2.commit()

        thread = threading.Thread(target=writer)
        thread.start()
        if expect_wait:
            assert waiting_for_lock(), "T2 should wait for T1 before taking a sequence value"
        else:
            thread.join(10)
        between = client.get(CHANGES, query_string={"since": cursor}, headers=bearer(token)).json
        t1.commit()
        thread.join(10)
        assert not thread.is_alive()
        after, _ = pull_all(client, token, between["cursor"])
        return one.seq, two[0].seq, between, after
    finally:
        t1.close()
        t2.close()


def test_a_pull_never_passes_a_change_whose_transaction_is_still_open(postgres, client, session, make, phone):
    first, second = phone.assignment.id, assign(session, make, shopper=phone.shopper).id
    seq_1, seq_2, between, after = interleave(client, phone.token, first, second, expect_wait=True)
    assert between["changes"] == []  # nothing past T1's open change is served while T1 is open
    assert seq_1 < seq_2
    assert [c["id"] for c in after] == [str(first), str(second)]


def test_without_the_changes_lock_the_same_interleaving_would_lose_a_change(postgres, client, session, make, phone):
    first, second = phone.assignment.id, assign(session, make, shopper=phone.shopper).id
    event.remove(Session, "before_flush", change_model._serialise_change_writers)
    try:
        seq_1, seq_2, between, after = interleave(client, phone.token, first, second, expect_wait=False)
    finally:
        event.listen(Session, "before_flush", change_model._serialise_change_writers)
    assert seq_1 < seq_2
    assert [c["id"] for c in between["changes"]] == [str(second)]  # 12 served while 11 was still open...
    assert [c["id"] for c in after] == []  # ...and 11 is never served: the bug the lock prevents
