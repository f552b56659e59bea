"""Faults between a real phone and a real server process: 0 visits lost, 0 duplicated, totals and scores agree.

Phones (mobile.store.LocalStore in temp folders, the real SyncEngine) sync through a TCP proxy that, per request
and from a seeded random stream, drops the connection before forwarding, drops it after the server answered
(after its commit, before the phone hears), cuts a photo upload after N body bytes, or SIGKILLs the server
process while it handles a push (and restarts it on the same database). Sync runs until every visit is
acknowledged; then the server's database must hold exactly what the phones finished.
"""

from __future__ import annotations

import random
import time

import pytest

from mobile.store import VisitState
from tests.mobile.factories import CHECKLIST
from tests.reliability.phones import FieldPhone, expected_totals
from tests.reliability.proxy import CUT_BODY, DROP_AFTER, DROP_BEFORE, KILL, PASS, FaultProxy, Request
from tests.reliability.server_process import seed_org, server_totals

SEED = 20261124
PHONES = 3
ROUNDS = 3
VISITS_PER_ROUND = 8  # per phone and round: 72 visits, 72 photos in all
FAULT_RATE = 0.4
MAX_KILLS = 3
KILL_RATE = 0.5
MIN_FAULTS = 200
MAX_SYNC_RUNS = 40


class Chaos:
    """Seeded fate for every request through the proxy."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kills = 0

    def __call__(self, request: Request) -> tuple[str, int]:
        rng = self.rng
        if request.path.startswith("/api/v1/auth/"):
            return PASS, 0
        if (
            request.method == "POST"
            and "/sync/push" in request.path
            and self.kills < MAX_KILLS
            and rng.random() < KILL_RATE
        ):
            self.kills += 1
            return KILL, rng.randrange(0, 60)  # ms after the request reached the server: mid-batch
        if rng.random() >= FAULT_RATE:
            return PASS, 0
        if request.method == "PUT" and request.body_length > 1 and rng.random() < 0.6:
            return CUT_BODY, rng.randrange(0, request.body_length)
        return rng.choice((DROP_BEFORE, DROP_AFTER)), 0


def test_faults_between_phone_and_server_process_lose_and_duplicate_nothing(server_process, database_url, tmp_path):
    began = time.monotonic()
    rng = random.Random(SEED)
    org = seed_org(database_url, tmp_path / "seed", CHECKLIST, shoppers=PHONES, assignments_each=2)
    server = server_process
    server.start()

    def restart() -> None:
        server.kill()
        server.start()
        proxy.upstream_port = server.port

    proxy = FaultProxy(server.port, Chaos(SEED), on_kill=restart)
    phones = [
        FieldPhone.sign_in(proxy.url, email, tmp_path / f"phone{n}", random.Random(SEED + n))
        for n, (_, email) in enumerate(org.shoppers)
    ]
    try:
        for phone in phones:
            assert phone.sync().ok
        proxy.enabled = True
        runs = 0
        for round_ in range(ROUNDS):
            for n, (shopper_id, _) in enumerate(org.shoppers):
                phone = phones[n]
                assigned = org.assignments[shopper_id][round_ : round_ + 1]
                for assignment_id in assigned:
                    phone.complete_visit(rng, assignment_id=assignment_id)
                for _ in range(VISITS_PER_ROUND - len(assigned)):
                    phone.complete_visit(rng, branch_id=org.branch_id, version_id=org.version_id)
            for phone in phones:
                while True:
                    runs += 1
                    assert runs <= MAX_SYNC_RUNS, f"sync did not settle; faults so far: {dict(proxy.counts)}"
                    result = phone.sync()
                    assert not (result.conflicts or result.invalid or result.failed), result
                    if result.ok and phone.settled():
                        break
        proxy.enabled = False
        for phone in phones:  # one quiet run each: the refresh brings the server's final state
            assert phone.sync().ok

        faults = proxy.faults
        counts = dict(proxy.counts)
        print(
            f"\n{database_url.split(':')[0]}: {faults} faults {counts}, {runs} sync runs, "
            f"{server.kills} kills, {time.monotonic() - began:.1f}s; slow requests: {proxy.slow}"
        )
        assert faults >= MIN_FAULTS, counts
        assert all(counts.get(kind) for kind in (DROP_BEFORE, DROP_AFTER, CUT_BODY, KILL)), counts
        assert server.kills == counts[KILL]

        expected = expected_totals(phones)
        totals = server_totals(database_url, tmp_path / "seed")
        assert expected["visits"] == PHONES * ROUNDS * VISITS_PER_ROUND
        assert totals["visits"] == totals["revisions"] == expected["visits"]  # 0 lost, 0 duplicated
        assert totals["answers"] == expected["answers"]
        assert totals["photos"] == len(expected["photos"])
        assert totals["complete_photos"] == expected["photos"]  # every photo, hash verified
        assert set(totals["records"]) == set(expected["scores"])
        for phone, (shopper_id, _) in zip(phones, org.shoppers):
            for visit in phone.shop.drafts.visits():
                assert visit.state is VisitState.SENT, (visit.id, visit.state, visit.last_error)
                record = totals["records"][visit.id]
                assert record["shopper_id"] == shopper_id
                assert record["status"] == "submitted" and record["revision"] == 1
                assert visit.server is not None, visit.id  # the phone heard the server's record
                assert (visit.server.revision, visit.server.status) == (1, "submitted")
                assert visit.server.score_percent == pytest.approx(record["score"], abs=1e-9)
        for visit_id, score in expected["scores"].items():
            assert totals["records"][visit_id]["score"] == pytest.approx(score, abs=1e-9), visit_id
    finally:
        proxy.stop()
        for phone in phones:
            phone.close()
