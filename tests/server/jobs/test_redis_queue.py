"""The production queue on the machine's real Redis: jobs go to RQ and `fieldaudit worker` processes run them."""

from __future__ import annotations

import os
import uuid

import pytest
from redis import Redis
from rq import Queue

from server.models import Job, JobStatus
from tests.conftest import REDIS_URL
from tests.reliability.server_process import run_fieldaudit
from tests.server.scores.world import query

MANAGER = "manager of the region"


@pytest.fixture
def queue_name(redis_url):
    """A queue of this test's own: other tests (and other runs) on the same Redis never take its jobs."""
    name = f"fa-test-{uuid.uuid4().hex[:10]}"
    yield name
    Queue(name, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


@pytest.fixture
def app_config(app_config, queue_name):
    return {**app_config, "REDIS_URL": REDIS_URL, "JOB_QUEUE": queue_name}


@pytest.fixture
def folder(tmp_path):
    """The worker's own instance folder (another machine's)."""
    path = tmp_path / "worker"
    path.mkdir()
    return path


def worker_env(app, queue_name: str, folder) -> dict[str, str]:
    """What a `fieldaudit worker` on another machine would be given: the same database, Redis, queue and stores."""
    return {
        **os.environ,
        "FIELDAUDIT_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FIELDAUDIT_REDIS_URL": REDIS_URL,
        "FIELDAUDIT_JOB_QUEUE": queue_name,
        "FIELDAUDIT_SECRET_KEY": "test-secret-key",
        "FIELDAUDIT_FILE_STORAGE_PATH": app.config["FILE_STORAGE_PATH"],
        "FIELDAUDIT_PHOTO_STORAGE_PATH": app.config["PHOTO_STORAGE_PATH"],
        "FIELDAUDIT_INSTANCE_PATH": str(folder / "instance"),
    }


def test_a_job_started_on_the_server_is_queued_in_redis_and_run_by_a_worker(
    client, session, app, api, queue_name, folder
):
    response = client.post(
        "/api/v1/jobs",
        json={"kind": "region_report", "region_id": api.region.id, **query()},
        headers=api.headers[MANAGER],
    )
    assert response.status_code == 202, response.text
    job_id = response.get_json()["id"]
    rq_queue = Queue(queue_name, connection=Redis.from_url(REDIS_URL))
    assert rq_queue.count == 1 and rq_queue.jobs[0].args == (job_id,)
    assert session.get(Job, uuid.UUID(job_id)).status is JobStatus.QUEUED  # nothing runs it inside the server

    worker = run_fieldaudit(["worker", "--burst", "--no-scheduler"], worker_env(app, queue_name, folder), folder)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert rq_queue.count == 0

    done = client.get(f"/api/v1/jobs/{job_id}", headers=api.headers[MANAGER]).get_json()
    assert done["status"] == "done", done
    pdf = client.get(done["result"]["url"], headers=api.headers[MANAGER])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_worker_with_the_scheduler_starts_the_due_upkeep(app, session, queue_name, folder):
    worker = run_fieldaudit(["worker", "--burst"], worker_env(app, queue_name, folder), folder)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "with the periodic scheduler" in worker.stdout
    session.expire_all()
    kinds = {job.kind: job.status for job in session.query(Job)}
    assert kinds == dict.fromkeys(
        ("reap_jobs", "expire_jobs", "photo_cleanup", "webhook_deliveries", "send_mail"), JobStatus.DONE
    )


def test_a_server_whose_redis_is_down_still_accepts_the_job_and_keeps_it_queued(app, client, session, api):
    app.extensions["job_queue"].__init__("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.post(
        "/api/v1/jobs",
        json={"kind": "region_report", "region_id": api.region.id, **query()},
        headers=api.headers[MANAGER],
    )
    assert response.status_code == 202
    assert session.get(Job, uuid.UUID(response.get_json()["id"])).status is JobStatus.QUEUED  # the reaper submits it


def test_the_worker_command_without_redis_says_what_to_set(app, queue_name, folder):
    env = {key: value for key, value in worker_env(app, queue_name, folder).items() if key != "FIELDAUDIT_REDIS_URL"}
    env.pop("FIELDAUDIT_REDIS_URL", None)
    worker = run_fieldaudit(["worker", "--burst"], env, folder)
    assert worker.returncode != 0 and "FIELDAUDIT_REDIS_URL is not set" in worker.stderr
    assert "Traceback" not in worker.stderr


def test_the_worker_command_with_an_unreachable_redis_says_so_without_the_password(app, queue_name, folder):
    env = {**worker_env(app, queue_name, folder), "FIELDAUDIT_REDIS_URL": "redis://:hunter2@127.0.0.1:1/0"}
    worker = run_fieldaudit(["worker", "--burst"], env, folder)
    assert worker.returncode != 0 and "does not answer" in worker.stderr
    assert "hunter2" not in worker.stderr + worker.stdout and "Traceback" not in worker.stderr
