"""Running a job: claimed once, its result saved whole, a failure recorded in words, a run for a lost right refused."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from server.models import Job, JobStatus
from server.services.jobs.records import claim_job, dedupe_key, start_job
from server.services.jobs.report_jobs import REGION_REPORT
from server.services.jobs.run import run_job
from server.services.transactions import atomic
from server.storage import current_files, current_storage

MANAGER = "manager of the region"


def params_for(region) -> dict:
    return {"region_id": region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}


def run(app, session, job_id):
    submitted = []
    status = run_job(
        session,
        job_id,
        storage=current_storage(),
        files=current_files(),
        settings=app.config,
        submit=submitted.extend,
    )
    return status, submitted


def test_a_job_runs_once_even_when_two_workers_are_handed_it(app, session, api):
    job, _ = start_job(session, REGION_REPORT, params_for(api.region), api.users[MANAGER], "twice")
    assert run(app, session, job.id)[0] is JobStatus.DONE
    assert run(app, session, job.id)[0] is None  # the second worker finds it done and leaves it
    session.expire_all()
    stored = session.get(Job, job.id)
    assert stored.attempts == 1 and stored.status is JobStatus.DONE
    with current_files().open(stored.result_name) as result:
        content = result.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == stored.result_sha256


def test_a_claim_is_won_by_one_worker_only(session, api):
    job, _ = start_job(session, REGION_REPORT, params_for(api.region), api.users[MANAGER], "claimed")
    assert claim_job(session, job.id) is not None
    assert claim_job(session, job.id) is None


def test_a_manager_moved_off_the_region_gets_a_failure_that_says_so(app, session, api):
    manager = api.users[MANAGER]
    job, _ = start_job(session, REGION_REPORT, params_for(api.region), manager, "moved")
    manager.regions = [api.other_region]
    session.commit()
    assert run(app, session, job.id)[0] is JobStatus.FAILED
    session.expire_all()
    failed = session.get(Job, job.id)
    assert "no longer yours to see" in failed.message and failed.result_name is None
    assert list(current_files().names("jobs")) == []


def test_an_unexpected_error_fails_the_job_without_leaking_details_or_a_file(app, session, api, monkeypatch):
    import server.services.jobs.report_jobs as report_jobs

    def broken(*args, **kwargs):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(report_jobs, "region_pdf", broken)
    job, _ = start_job(session, REGION_REPORT, params_for(api.region), api.users[MANAGER], "broken")
    assert run(app, session, job.id)[0] is JobStatus.FAILED
    session.expire_all()
    failed = session.get(Job, job.id)
    assert "ZeroDivisionError" in failed.message and "secret internals" not in failed.message
    assert failed.finished_at is not None and list(current_files().names("jobs")) == []


def test_a_second_active_job_with_the_same_key_is_refused_by_the_database(session, api):
    owner = api.users[MANAGER]
    key = dedupe_key(REGION_REPORT, params_for(api.region), owner)
    session.add(Job(kind="region_report", params={}, title="first", dedupe_key=key, owner_id=owner.id))
    session.commit()
    with pytest.raises(IntegrityError), atomic(session):
        session.add(Job(kind="region_report", params={}, title="second", dedupe_key=key, owner_id=owner.id))
    session.rollback()
    session.execute(Job.__table__.update().values(status="done"))
    session.commit()
    session.add(Job(id=uuid.uuid4(), kind="region_report", params={}, title="after", dedupe_key=key, owner_id=owner.id))
    session.commit()  # once the first is done, the same request is a new job


def test_start_job_refuses_to_run_inside_a_transaction_block(session, api):
    with pytest.raises(RuntimeError, match="outside any atomic block"), atomic(session):
        start_job(session, REGION_REPORT, params_for(api.region), api.users[MANAGER], "inside")
