"""A job whose worker dies midway runs again and finishes, on the production topology: `fieldaudit run` (gunicorn)
with `fieldaudit worker` on Redis, and the embedded server alone; never a half-written file, never two results."""

from __future__ import annotations

import hashlib
import io

import pypdf
import requests

from tests.reliability.jobs import JOB_TIMINGS, WorkerProcess, redis_queue_env, seed_big_region, wait_for_job
from tests.reliability.server_process import ServerProcess, api_sign_in


def start_region_report(server: ServerProcess, token: str, region_id: int) -> str:
    answer = requests.post(
        server.url + "/api/v1/jobs",
        json={"kind": "region_report", "region_id": region_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def download(server: ServerProcess, token: str, job_id: str) -> tuple[dict, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    job = requests.get(f"{server.url}/api/v1/jobs/{job_id}", headers=headers, timeout=30).json()
    assert job["status"] == "done", job
    pdf = requests.get(server.url + job["result"]["url"], headers=headers, timeout=60)
    assert pdf.status_code == 200
    return job, pdf.content


def assert_whole_report(job: dict, content: bytes) -> None:
    assert hashlib.sha256(content).hexdigest() == job["result"]["sha256"] and len(content) == job["result"]["size"]
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) >= 2  # the 500-branch league spans pages


def finished_files(folder) -> list:
    """Result files under a store's jobs folder (a dead writer's temporary file is not one)."""
    return [p for p in (folder / "files" / "jobs").glob("*/*") if ".tmp-" not in p.name]


def test_a_worker_killed_mid_report_leaves_no_file_and_the_next_worker_finishes_it(database_url, redis_url, tmp_path):
    big = seed_big_region(database_url, tmp_path / "seed")
    with redis_queue_env() as queue_env:
        server = ServerProcess(database_url, tmp_path / "server", ["--workers", "2"], queue_env)
        server.start()
        try:
            token = api_sign_in(server.url, big.manager_email, "desk")["token"]
            job_id = start_region_report(server, token, big.region_id)
            assert wait_for_job(database_url, tmp_path / "seed", job_id, ("queued",)).attempts == 0
            env = server.env()
            first = WorkerProcess(env, tmp_path / "worker-1", "--no-scheduler")
            running = wait_for_job(database_url, tmp_path / "seed", job_id, ("running", "done"), timeout=60)
            assert running.status.value == "running", "the report finished before the worker could be killed"
            first.kill()
            dead = wait_for_job(database_url, tmp_path / "seed", job_id, ("running",))
            assert dead.result_name is None and finished_files(tmp_path / "server") == []

            second = WorkerProcess(env, tmp_path / "worker-2")  # with the scheduler: its reaper notices the dead one
            try:
                done = wait_for_job(database_url, tmp_path / "seed", job_id, ("done", "failed"), timeout=120)
            finally:
                second.stop()
            assert done.status.value == "done" and done.attempts == 2, (done.message, second.output()[-3000:])
            job, content = download(server, token, job_id)
            assert_whole_report(job, content)
            assert len(finished_files(tmp_path / "server")) == 1
        finally:
            server.stop()


def test_the_embedded_server_killed_mid_report_finishes_it_after_a_restart(database_url, tmp_path):
    big = seed_big_region(database_url, tmp_path / "seed")
    server = ServerProcess(database_url, tmp_path / "server", [], {"FIELDAUDIT_REDIS_URL": None, **JOB_TIMINGS})
    server.start()
    try:
        token = api_sign_in(server.url, big.manager_email, "desk")["token"]
        job_id = start_region_report(server, token, big.region_id)
        running = wait_for_job(database_url, tmp_path / "seed", job_id, ("running", "done"), timeout=60)
        assert running.status.value == "running", "the report finished before the server could be killed"
        server.kill()
        assert wait_for_job(database_url, tmp_path / "seed", job_id, ("running",)).result_name is None

        server.start()  # the restarted server's scheduler reaps the dead run and its threads build it again
        requests.get(server.url + "/login", timeout=30)  # the first request starts the scheduler thread
        done = wait_for_job(database_url, tmp_path / "seed", job_id, ("done", "failed"), timeout=120)
        assert done.status.value == "done" and done.attempts == 2, done.message
        job, content = download(server, token, job_id)
        assert_whole_report(job, content)
    finally:
        server.stop()


def test_the_embedded_server_runs_a_report_job_without_any_worker(database_url, tmp_path):
    big = seed_big_region(database_url, tmp_path / "seed", branches=50, visits=500)
    server = ServerProcess(database_url, tmp_path / "server", [], {"FIELDAUDIT_REDIS_URL": None})
    server.start()
    try:
        token = api_sign_in(server.url, big.manager_email, "desk")["token"]
        job_id = start_region_report(server, token, big.region_id)
        wait_for_job(database_url, tmp_path / "seed", job_id, ("done",), timeout=60)
        job, content = download(server, token, job_id)
        assert content.startswith(b"%PDF") and job["attempts"] == 1
    finally:
        server.stop()
