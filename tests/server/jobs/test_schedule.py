"""The periodic scheduler: each period of each upkeep job starts once, however many processes look for it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from server.extensions import db
from server.models import Job
from server.models.types import utcnow
from server.services.jobs.schedule import claim_period, start_due_jobs


class Submitted:
    """A queue that remembers what it was handed (the scheduler's part ends at the hand-over)."""

    def __init__(self):
        self.ids = []

    def submit(self, job_id, *, timeout):
        self.ids.append(job_id)


def test_a_period_is_won_by_one_process_only(app, session):
    with Session(db.engine) as other:  # a second process's connection
        assert claim_period(session, "reap_jobs", 100) is True
        assert claim_period(other, "reap_jobs", 100) is False
        assert claim_period(other, "reap_jobs", 101) is True
        assert claim_period(session, "reap_jobs", 101) is False


def test_due_upkeep_starts_once_per_period_and_again_in_the_next(app, session):
    queue, now = Submitted(), utcnow()
    first = start_due_jobs(session, queue, app.config, now=now)
    assert sorted(job.kind for job in first) == [
        "expire_jobs",
        "photo_cleanup",
        "reap_jobs",
        "send_mail",
        "webhook_deliveries",
    ]
    assert start_due_jobs(session, queue, app.config, now=now) == []
    waiting = start_due_jobs(session, queue, app.config, now=now + timedelta(hours=1, seconds=1))
    assert waiting == []  # the last period's jobs still wait for a worker: the new period joins them
    session.execute(Job.__table__.update().values(status="done"))
    session.commit()
    later = start_due_jobs(session, queue, app.config, now=now + timedelta(hours=2, seconds=2))
    assert {"expire_jobs", "photo_cleanup", "reap_jobs", "send_mail", "webhook_deliveries"} == {
        job.kind for job in later
    }
    assert set(queue.ids) == {job.id for job in session.query(Job)}
    assert all(job.owner_id is None for job in session.query(Job))
