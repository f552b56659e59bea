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
from server.services.sync.changes import record_change
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
            if conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE relation = 'changes'::regclass AND NOT granted")
            ).scalar():
                return True
            conn.rollback()
            time.sleep(0.02)
    return False


def second_writer(t2: Session, write, *, expect_wait: bool) -> threading.Thread:
    """Start T2 (`write`, then commit) in a thread; with `expect_wait`, check it is blocked on T1's changes lock."""

    def run() -> None:
        write()
        t2.commit()

    thread = threading.Thread(target=run)
    thread.start()
    if expect_wait:
        assert waiting_for_lock(), "T2 should wait for T1 before taking a sequence value"
    else:
        thread.join(10)
    return thread


def interleave(client, token, first, second, *, expect_wait: bool, audience: int):
    """T1 records assignment `first` and stays open while T2 records `second` and commits; a pull happens between."""
    _, cursor = pull_all(client, token)
    t1, t2 = Session(db.engine), Session(db.engine)
    try:
        one = record_change(t1, "assignment", first, audience=audience)
        t1.flush()
        two: list[Change] = []
        thread = second_writer(
            t2, lambda: two.append(record_change(t2, "assignment", second, audience=audience)), expect_wait=expect_wait
        )
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
    seq_1, seq_2, between, after = interleave(
        client, phone.token, first, second, expect_wait=True, audience=phone.shopper.id
    )
    assert between["changes"] == []  # nothing past T1's open change is served while T1 is open
    assert seq_1 < seq_2
    assert [c["id"] for c in after] == [str(first), str(second)]


def test_without_the_changes_lock_the_same_interleaving_would_lose_a_change(postgres, client, session, make, phone):
    first, second = phone.assignment.id, assign(session, make, shopper=phone.shopper).id
    event.remove(Session, "before_flush", change_model._serialise_change_writers)
    try:
        seq_1, seq_2, between, after = interleave(
            client, phone.token, first, second, expect_wait=False, audience=phone.shopper.id
        )
    finally:
        event.listen(Session, "before_flush", change_model._serialise_change_writers)
    assert seq_1 < seq_2
    assert [c["id"] for c in between["changes"]] == [str(second)]  # 12 served while 11 was still open...
    assert [c["id"] for c in after] == []  # ...and 11 is never served: the bug the lock prevents


def _assign_in(session: Session, shopper_id: int, branch_id: int, template_id: int):
    """An assignment written (and its change rows flushed: the changes lock taken) but not committed."""
    from datetime import date, timedelta

    from server.models import Branch, Template, User
    from server.services.org.organisation import create_assignment

    assignment = create_assignment(
        session,
        shopper=session.get(User, shopper_id),
        branch=session.get(Branch, branch_id),
        template=session.get(Template, template_id),
        due_from=date.today(),
        due_to=date.today() + timedelta(days=3),
    )
    session.flush()
    return assignment


def snapshot_while_open(client, token, phone, *, expect_wait: bool):
    """T1 writes an assignment for the phone and stays open while T2 writes another and commits; the phone takes
    its first pull (a snapshot) in between; then T1 commits and the phone pulls on from the snapshot's cursor."""
    ids = (phone.shopper.id, phone.assignment.branch_id, phone.assignment.template_id)
    t1, t2 = Session(db.engine), Session(db.engine)
    try:
        first = _assign_in(t1, *ids).id
        second: list = []
        thread = second_writer(t2, lambda: second.append(_assign_in(t2, *ids).id), expect_wait=expect_wait)
        snapshot, cursor = pull_all(client, token)
        t1.commit()
        thread.join(10)
        assert not thread.is_alive()
        after, _ = pull_all(client, token, cursor)
        held = {c["id"] for c in snapshot + after if c["entity"] == "assignment"}
        return str(first), str(second[0]), {c["id"] for c in snapshot}, held
    finally:
        t1.close()
        t2.close()


def test_a_snapshot_never_loses_a_change_committed_while_it_is_taken(postgres, client, session, phone):
    first, second, in_snapshot, held = snapshot_while_open(client, phone.token, phone, expect_wait=True)
    assert first not in in_snapshot and second not in in_snapshot  # neither had committed when it was read
    assert {first, second, str(phone.assignment.id)} <= held  # both arrive on the pages after the snapshot


def test_without_the_changes_lock_a_snapshot_would_lose_a_change_committed_late(postgres, client, session, phone):
    event.remove(Session, "before_flush", change_model._serialise_change_writers)
    try:
        first, second, in_snapshot, held = snapshot_while_open(client, phone.token, phone, expect_wait=False)
    finally:
        event.listen(Session, "before_flush", change_model._serialise_change_writers)
    assert second in in_snapshot and first not in in_snapshot  # the snapshot's cursor passed T1's open change...
    assert first not in held  # ...so it never arrives: the bug the lock prevents


def test_a_change_committed_between_the_snapshots_reads_arrives_after_it(postgres, client, session, phone):
    """The snapshot reads its cursor before its state: a commit landing in between is sent after the snapshot."""
    t1 = Session(db.engine)
    committed: list[bool] = []

    def commit_t1_after_the_assignments_are_read(conn, cursor, statement, *args) -> None:
        if statement.lstrip().startswith("SELECT assignments.") and not committed:
            committed.append(True)
            t1.commit()

    try:
        late = str(_assign_in(t1, phone.shopper.id, phone.assignment.branch_id, phone.assignment.template_id).id)
        event.listen(db.engine, "after_cursor_execute", commit_t1_after_the_assignments_are_read)
        try:
            snapshot, cursor = pull_all(client, phone.token)
        finally:
            event.remove(db.engine, "after_cursor_execute", commit_t1_after_the_assignments_are_read)
        assert committed
        after, _ = pull_all(client, phone.token, cursor)
        assert late in {c["id"] for c in snapshot + after if c["entity"] == "assignment"}
    finally:
        t1.close()
