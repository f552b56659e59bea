"""The same visit pushed by two clients at the same moment is stored once; a busy database is retried."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import server.services.sync.push as sync_push
import server.services.visits.record as visits_service
from server.models import Visit, VisitRevision
from tests.clients import new_client
from tests.server.sync.helpers import counts, push, visit_doc


def push_together(app, monkeypatch, token, first: dict, second: dict) -> list[dict]:
    """Two clients in two threads; both pass every read before either writes, so the database decides."""
    barrier = threading.Barrier(2, timeout=10)
    real = visits_service._references

    def references_then_wait(*args, **kwargs):
        found = real(*args, **kwargs)
        barrier.wait()
        return found

    monkeypatch.setattr(visits_service, "_references", references_then_wait)
    results: list = [None, None]

    def run(index: int, doc: dict) -> None:
        results[index] = push(new_client(app), token, doc)[0]

    threads = [threading.Thread(target=run, args=(i, doc)) for i, doc in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(r is not None for r in results), "a push failed in its thread"
    return results


def test_two_clients_pushing_the_same_visit_at_once_store_one_record(app, session, phone, monkeypatch):
    doc = visit_doc(phone.assignment)
    results = push_together(app, monkeypatch, phone.token, doc, doc)
    assert sorted(r["result"] for r in results) == ["created", "unchanged"]
    assert {r["revision"] for r in results} == {1}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Visit)) == 1
    assert session.scalar(select(func.count()).select_from(VisitRevision)) == 1


def test_the_loser_of_a_race_with_other_content_gets_a_conflict(app, session, phone, monkeypatch):
    doc = visit_doc(phone.assignment)
    other = {**doc, "answers": [*doc["answers"][:3], {"question": "notes", "value": "Different."}]}
    results = push_together(app, monkeypatch, phone.token, doc, other)
    assert sorted(r["result"] for r in results) == ["conflict", "created"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_two_different_visits_for_one_assignment_at_once_store_one_and_name_the_assignment(
    app, session, phone, monkeypatch
):
    first, second = visit_doc(phone.assignment), visit_doc(phone.assignment)  # two ids: two phones, one job
    results = push_together(app, monkeypatch, phone.token, first, second)
    assert sorted(r["result"] for r in results) == ["created", "invalid"]
    [refused] = [r for r in results if r["result"] == "invalid"]
    assert list(refused["errors"]) == ["assignment_id"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_a_locked_database_is_retried_and_the_visit_stored_once(client, session, phone, monkeypatch):
    real, calls = sync_push.record_visit, []

    def locked_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO visits ...", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_push, "record_visit", locked_once)
    monkeypatch.setattr(sync_push, "BACKOFF_SECONDS", 0.001)
    doc = visit_doc(phone.assignment)
    [result] = push(client, phone.token, doc)
    assert (result["result"], len(calls)) == ("created", 2)
    assert counts(session)["Visit"] == 1


def test_a_database_that_stays_locked_is_a_503_the_phone_retries_and_nothing_is_half_written(
    client, session, phone, monkeypatch
):
    def always_locked(*args, **kwargs):
        raise OperationalError("INSERT INTO visits ...", {}, Exception("database is locked"))

    monkeypatch.setattr(sync_push, "record_visit", always_locked)
    monkeypatch.setattr(sync_push, "BACKOFF_SECONDS", 0.001)
    before = counts(session)
    response = client.post(
        "/api/v1/sync/push",
        json={"visits": [visit_doc(phone.assignment)]},
        headers={"Authorization": f"Bearer {phone.token}"},
    )
    assert (response.status_code, response.headers["Retry-After"]) == (503, "5")
    assert counts(session) == before
