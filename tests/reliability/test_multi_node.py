"""Two app servers and a worker on one PostgreSQL, one Redis and one S3 bucket (moto's server, a real HTTP endpoint):
a phone syncs through both, a region
report asked on one is built by the worker and downloaded from the other, a session and the rate limits are
shared, and the totals are exact."""

from __future__ import annotations

import io
import random
import uuid

import pypdf
import pytest
import requests

from mobile.store import VisitState
from tests.mobile.factories import CHECKLIST
from tests.reliability.jobs import WorkerProcess, redis_queue_env, wait_for_job
from tests.reliability.phones import FieldPhone, expected_totals
from tests.reliability.server_process import (
    ServerProcess,
    api_sign_in,
    seed_org,
    server_db,
    server_totals,
    signed_in_as,
    web_sign_in,
)
from tests.s3_endpoint import S3Endpoint, moto_server

SEED = 12
LOGIN_LIMIT = 10


def s3_env(endpoint: S3Endpoint, bucket: str) -> dict[str, str]:
    """Photos and job results in one S3 bucket every node reaches, as FIELDAUDIT_* settings."""
    return {f"FIELDAUDIT_{name}": str(value) for name, value in endpoint.config(bucket).items()}


def add_manager(database_url: str, folder, branch_id: int) -> tuple[str, int]:
    from server.models import Branch
    from server.services.accounts.users import create_user
    from server.services.transactions import atomic
    from tests.mobile.live import PASSWORD

    email = f"manager-{uuid.uuid4().hex[:6]}@example.test"
    with server_db(database_url, folder) as session:
        region = session.get(Branch, branch_id).region
        with atomic(session):
            manager = create_user(
                session, email=email, name="Nodes Manager", role="manager", password=PASSWORD, temporary=False
            )
            manager.regions = [region]
        return email, region.id


def sync_until_settled(phone: FieldPhone, url: str) -> None:
    phone.base_url = url
    for _ in range(10):
        result = phone.sync()
        assert not (result.conflicts or result.invalid or result.failed), result
        if result.ok and phone.settled():
            return
    raise AssertionError("the phone did not settle in 10 sync runs")


def test_two_servers_and_a_worker_behave_as_one(database_url, redis_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several nodes share a database server: this runs on PostgreSQL (TEST_DATABASE_URL)")
    rng = random.Random(SEED)
    org = seed_org(database_url, tmp_path / "seed", CHECKLIST, shoppers=1, assignments_each=4)
    manager_email, region_id = add_manager(database_url, tmp_path / "seed", org.branch_id)
    with redis_queue_env() as queue_env, moto_server() as endpoint:
        bucket = endpoint.new_bucket()
        env = {**queue_env, **s3_env(endpoint, bucket), "FIELDAUDIT_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute"}
        a = ServerProcess(database_url, tmp_path / "a", ["--workers", "2"], env)
        b = ServerProcess(database_url, tmp_path / "b", ["--workers", "2"], env)
        a.start()
        b.start()
        worker = WorkerProcess(a.env(), tmp_path / "worker")
        sign_ins = 0
        phone = FieldPhone.sign_in(a.url, org.shoppers[0][1], tmp_path / "phone", rng)
        sign_ins += 1
        try:
            # A phone signed in on A pulls from zero through B, then syncs half its visits through each.
            sync_until_settled(phone, b.url)
            shopper_id = org.shoppers[0][0]
            for number, assignment_id in enumerate(org.assignments[shopper_id]):
                phone.complete_visit(rng, assignment_id=assignment_id)
                sync_until_settled(phone, a.url if number < 2 else b.url)
            expected, totals = expected_totals([phone]), server_totals(database_url, tmp_path / "seed")
            assert totals["visits"] == totals["revisions"] == expected["visits"] == 4
            assert totals["answers"] == expected["answers"]
            assert totals["complete_photos"] == expected["photos"] and len(expected["photos"]) == 4
            assert all(visit.state is VisitState.SENT for visit in phone.shop.drafts.visits())
            stored = endpoint.keys(bucket)
            assert sum(1 for key in stored if "/photos/" in f"/{key}" and "~" not in key) == 4, stored
            assert not [key for key in stored if "partial/" in key], stored  # every upload finalised

            # A region report asked on A is built by the worker and downloaded from B.
            token = api_sign_in(a.url, manager_email, "desk")["token"]
            sign_ins += 1
            headers = {"Authorization": f"Bearer {token}"}
            started = requests.post(
                a.url + "/api/v1/jobs",
                json={"kind": "region_report", "region_id": region_id},
                headers=headers,
                timeout=30,
            )
            assert started.status_code == 202, started.text
            job_id = started.json()["id"]
            wait_for_job(database_url, tmp_path / "seed", job_id, ("done",), timeout=120)
            job = requests.get(f"{b.url}/api/v1/jobs/{job_id}", headers=headers, timeout=30).json()
            pdf = requests.get(b.url + job["result"]["url"], headers=headers, timeout=60)
            assert pdf.status_code == 200 and len(pypdf.PdfReader(io.BytesIO(pdf.content)).pages) >= 1
            assert [key for key in endpoint.keys(bucket) if job_id in key], "the result is in the bucket"
            assert "fieldaudit worker" in worker.output() or worker.proc.poll() is None

            # A web session made on A works on B.
            browser = requests.Session()
            assert web_sign_in(browser, a.url, manager_email).status_code == 302
            sign_ins += 1
            on_b = browser.get(b.url + "/dashboard/", timeout=30)
            assert on_b.status_code == 200 and signed_in_as(on_b.text) == "Nodes Manager · manager"

            # The sign-in limit counts the attempts made on both servers (4 gunicorn workers, one Redis).
            answers = []
            for attempt in range(2 * LOGIN_LIMIT):
                url = (a.url, b.url)[attempt % 2]
                answers.append(
                    requests.post(
                        url + "/api/v1/auth/tokens",
                        json={"email": f"nobody{attempt}@example.test", "password": "wrong", "device_name": "x"},
                        timeout=30,
                    ).status_code
                )
                if answers[-1] == 429:
                    break
            assert answers[-1] == 429, answers
            assert len(answers) - 1 + sign_ins <= LOGIN_LIMIT, answers  # per process, it would allow 4 x the limit
            assert {401} <= set(answers[:-1]) and set(answers[:-1]) <= {400, 401}, answers
        finally:
            phone.close()
            worker.stop()
            a.stop()
            b.stop()
