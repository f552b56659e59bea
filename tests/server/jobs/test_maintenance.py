"""Upkeep: jobs whose worker died run again (or fail after their last try), old results go, leftovers are swept."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from server.models import Job, JobStatus
from server.models.types import utcnow
from server.services.jobs.maintenance import expire_jobs, reap_jobs
from server.services.jobs.records import claim_job, start_job
from server.services.jobs.report_jobs import REGION_REPORT
from server.storage import current_files, file_name

MANAGER = "manager of the region"
STALE = timedelta(seconds=30)


def running_job(session, api, *, beat_ago: timedelta, attempts_left: bool = True) -> Job:
    params = {"region_id": api.region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}
    job, _ = start_job(session, REGION_REPORT, params, api.users[MANAGER], "died")
    claim_job(session, job.id, now=utcnow() - beat_ago)
    if not attempts_left:
        session.get(Job, job.id).attempts = job.max_attempts
        session.commit()
    return session.get(Job, job.id)


def test_a_job_whose_heartbeat_stopped_goes_back_to_the_queue(session, api):
    job = running_job(session, api, beat_ago=timedelta(minutes=5))
    assert reap_jobs(session, stale=STALE) == [job.id]
    session.expire_all()
    requeued = session.get(Job, job.id)
    assert requeued.status is JobStatus.QUEUED and "trying again (attempt 2 of 2)" in requeued.message


def test_a_job_whose_worker_died_on_its_last_attempt_fails_with_a_reason(session, api):
    job = running_job(session, api, beat_ago=timedelta(minutes=5), attempts_left=False)
    assert reap_jobs(session, stale=STALE) == []
    session.expire_all()
    failed = session.get(Job, job.id)
    assert failed.status is JobStatus.FAILED and "stopped 2 times" in failed.message


def test_a_job_with_a_fresh_heartbeat_is_left_running(session, api):
    job = running_job(session, api, beat_ago=timedelta(seconds=5))
    assert reap_jobs(session, stale=STALE) == []
    assert session.get(Job, job.id).status is JobStatus.RUNNING


def test_a_queued_job_nobody_took_is_submitted_again(session, api):
    params = {"region_id": api.region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}
    job, _ = start_job(session, REGION_REPORT, params, api.users[MANAGER], "lost")
    assert reap_jobs(session, stale=STALE) == []
    assert reap_jobs(session, stale=STALE, now=utcnow() + timedelta(minutes=3)) == [job.id]


def test_old_finished_jobs_go_with_their_results_and_dead_writers_leftovers_are_swept(session, api):
    files = current_files()
    params = {"region_id": api.region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}
    old, _ = start_job(session, REGION_REPORT, params, api.users[MANAGER], "old")
    name = file_name("jobs", old.id, "old.pdf")
    files.save(name, __import__("io").BytesIO(b"%PDF old"))
    old.status, old.finished_at, old.result_name = JobStatus.DONE, utcnow() - timedelta(days=8), name
    recent, _ = start_job(session, REGION_REPORT, {**params, "from": "2026-03-02"}, api.users[MANAGER], "recent")
    session.commit()
    leftover = files.root / "jobs" / str(recent.id) / "recent.pdf.tmp-dead"  # type: ignore[attr-defined]
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a PDF")
    two_days_ago = time.time() - 2 * 86400
    os.utime(leftover, (two_days_ago, two_days_ago))
    assert expire_jobs(session, files, keep=timedelta(days=7)) == 1
    assert not files.exists(name) and not leftover.exists()
    assert [job.title for job in session.query(Job)] == ["recent"]


def test_the_schedulers_good_runs_go_after_an_hour_and_stay_off_the_list_its_failures_stay(session, api):
    from server.services.jobs.maintenance import REAP_JOBS
    from server.services.jobs.queries import listed_jobs

    good, _ = start_job(session, REAP_JOBS, {}, None, "Reap jobs")
    good.status, good.finished_at = JobStatus.DONE, utcnow() - timedelta(hours=2)
    session.commit()
    bad, _ = start_job(session, REAP_JOBS, {"n": 2}, None, "Reap jobs")
    bad.status, bad.finished_at, bad.message = JobStatus.FAILED, utcnow() - timedelta(hours=2), "no database"
    session.commit()
    admin = api.users["admin"]
    assert [job.id for job in listed_jobs(session, admin, 10)] == [bad.id]
    assert expire_jobs(session, current_files(), keep=timedelta(days=7)) == 1
    assert [job.id for job in session.query(Job)] == [bad.id]
