"""What a push costs in statements (a fixed part per batch plus a few per visit, so an N+1 fails here) and the
change rows it writes (entity, op, audience, order), on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from server.models import Change
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import CHANGES, PHOTO_CHECKLIST, assign, photo_entry, push, visit_doc
from tests.statements import count_statements

SIGN_IN = 1
"""The bearer token joined to its user (its last-used time was written by an earlier request, as it is once a minute)."""
PER_BATCH = 4
"""Versions, branches and assignments of the batch, its clashes (stored ids, assignments' visits, photo ids)."""
PER_PHOTO_BATCH = 1
"""The shopper's photos of the last 24 hours (the daily quota), once per batch that names photos."""
PER_VISIT = 6
"""Change rows, the visit, its answers, section scores, revision, and the assignment marked submitted."""
SUBMITTED_EVENT = 1
"""A visit submitted at once (no photos to come): its `visit.submitted` webhook event (services/webhooks/outbox.py)."""
DELIVERY_CHECK = 1
"""Once per push that wrote events: is any webhook endpoint active? (None is: no delivery job is started.)"""
PER_VISIT_WITH_PHOTOS = PER_VISIT + 1
"""...and its photo rows (no event yet: it is submitted when its last photo arrives)."""


def statements_of_a_push(client, token: str, docs: list[dict]):
    assert client.get(CHANGES, headers=bearer(token)).status_code == 200  # the token's last use is written here
    with count_statements() as statements:
        results = push(client, token, *docs)
    assert {r["result"] for r in results} == {"created"}, results
    return statements


def test_a_push_costs_a_fixed_part_per_batch_and_seven_statements_per_visit(client, session, make, phone):
    template, shopper = phone.assignment.template, phone.shopper
    jobs = [
        assign(session, make, shopper=shopper, branch=phone.assignment.branch, template=template) for _ in range(11)
    ]
    one = statements_of_a_push(client, phone.token, [visit_doc(jobs[0])])
    ten = statements_of_a_push(client, phone.token, [visit_doc(job) for job in jobs[1:]])
    assert one.count == SIGN_IN + PER_BATCH + DELIVERY_CHECK + PER_VISIT + SUBMITTED_EVENT, str(one)
    assert ten.count == SIGN_IN + PER_BATCH + DELIVERY_CHECK + 10 * (PER_VISIT + SUBMITTED_EVENT), str(ten)


def test_a_push_with_photos_adds_the_daily_quota_once_and_one_insert_per_visit(client, session, make, phone):
    template = make.template(PHOTO_CHECKLIST)
    jobs = [
        assign(session, make, shopper=phone.shopper, branch=phone.assignment.branch, template=template)
        for _ in range(10)
    ]
    docs = [visit_doc(job, photos=[photo_entry()]) for job in jobs]
    ten = statements_of_a_push(client, phone.token, docs)
    assert ten.count == SIGN_IN + PER_BATCH + PER_PHOTO_BATCH + 10 * PER_VISIT_WITH_PHOTOS, str(ten)


def test_a_pushed_visit_writes_its_assignment_change_then_its_visit_change_both_for_the_shopper(
    client, session, make, phone
):
    first, second = visit_doc(phone.assignment), visit_doc(phone.assignment)  # the second: the same job again
    before = session.scalar(select(Change.seq).order_by(Change.seq.desc()).limit(1)) or 0
    results = push(client, phone.token, first, second, first)
    assert [r["result"] for r in results] == ["created", "invalid", "unchanged"]
    rows = session.execute(
        select(Change.entity, Change.entity_id, Change.op, Change.audience_user_id, Change.audience_region_id)
        .where(Change.seq > before)
        .order_by(Change.seq)
    ).all()
    assert [tuple(row) for row in rows] == [
        ("assignment", str(phone.assignment.id), "upsert", phone.shopper.id, None),
        ("visit", first["id"], "upsert", phone.shopper.id, None),
    ]


def test_on_postgresql_each_pushed_visit_takes_the_changes_lock_before_its_first_row(client, session, make, phone):
    """The rows go in as Core inserts, past the ORM hook that locks the changes table: the push locks it itself."""
    from server.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers by itself")
    jobs = [
        phone.assignment,
        assign(
            session, make, shopper=phone.shopper, branch=phone.assignment.branch, template=phone.assignment.template
        ),
    ]
    sent: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        sent.append(" ".join(statement.split()[:3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        push(client, phone.token, *[visit_doc(job) for job in jobs])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    writes = [s for s in sent if s.startswith(("LOCK", "INSERT", "UPDATE assignments"))]
    per_visit = [
        "LOCK TABLE changes",
        "INSERT INTO changes",
        "INSERT INTO visits",
        "INSERT INTO answers",
        "INSERT INTO visit_section_scores",
        "INSERT INTO visit_revisions",
        "UPDATE assignments SET",
        "INSERT INTO webhook_events",  # the visit.submitted event, flushed at the commit (after the lock)
    ]
    assert writes == per_visit * 2, writes
