"""The same visits pushed at the same moment by two devices over real HTTP to a real server process: one record
each (one `created`, the other `unchanged`), and different content under the same id is a `conflict`.

tests/server/sync/test_push_concurrency.py forces the race inside one process (SQLite and PostgreSQL); this is
the end-to-end variant: two requests sessions, two tokens, a barrier, `fieldaudit run` serving with threads.
"""

from __future__ import annotations

import copy
import random
import threading

import requests

from tests.mobile.factories import CHECKLIST
from tests.mobile.live import PASSWORD
from tests.reliability.phones import FieldPhone
from tests.reliability.server_process import seed_org, server_totals

VISITS = 8


def test_two_devices_pushing_the_same_visits_at_once_store_each_once(server_process, database_url, tmp_path):
    org = seed_org(database_url, tmp_path / "seed", CHECKLIST, shoppers=1, assignments_each=1)
    server_process.start()
    ((shopper_id, email),) = org.shoppers
    rng = random.Random(7)
    phone = FieldPhone.sign_in(server_process.url, email, tmp_path / "phone", rng)
    try:
        assert phone.sync().ok
        ids = [phone.complete_visit(rng, assignment_id=org.assignments[shopper_id][0])]
        ids += [
            phone.complete_visit(rng, branch_id=org.branch_id, version_id=org.version_id) for _ in range(VISITS - 1)
        ]
        documents = [phone.shop.drafts.visit_document(i) for i in ids]
    finally:
        phone.close()
    other = copy.deepcopy(documents[-1])
    other["answers"] = [a for a in other["answers"] if a["question"] != "greeted"] + [
        {
            "question": "greeted",
            "value": "no"
            if any(a == {"question": "greeted", "value": "yes"} for a in documents[-1]["answers"])
            else "yes",
        }
    ]

    sessions = []
    for device in ("Device A", "Device B"):
        session = requests.Session()
        answer = session.post(
            server_process.url + "/api/v1/auth/tokens",
            json={"email": email, "password": PASSWORD, "device_name": device},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        sessions.append(session)

    def race(first: dict, second: dict) -> list[dict]:
        barrier = threading.Barrier(2, timeout=10)
        results: list = [None, None]

        def push(index: int, document: dict) -> None:
            barrier.wait()
            answer = sessions[index].post(
                server_process.url + "/api/v1/sync/push", json={"visits": [document]}, timeout=30
            )
            assert answer.status_code == 200, answer.text
            results[index] = answer.json()["results"][0]

        threads = [threading.Thread(target=push, args=(i, d)) for i, d in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert all(r is not None for r in results), "a push failed in its thread"
        return results

    for document in documents[:-1]:
        results = race(document, document)
        assert sorted(r["result"] for r in results) == ["created", "unchanged"], results
        assert {r["revision"] for r in results} == {1}
    results = race(documents[-1], other)
    assert sorted(r["result"] for r in results) == ["conflict", "created"], results

    totals = server_totals(database_url, tmp_path / "seed")
    assert totals["visits"] == totals["revisions"] == VISITS
    assert set(totals["records"]) == set(ids)
    for session in sessions:
        session.close()
