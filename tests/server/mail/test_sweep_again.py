"""Mail queued while a delivery run is finishing joins that run; the run then starts again at once, so the message is
sent in seconds, not at the next periodic tick (and never at all where no scheduler runs)."""

from __future__ import annotations

from sqlalchemy import select

from server.models import Job, JobStatus, MailMessage, MailStatus
from server.services.jobs.records import start_job
from server.services.jobs.run import run_job
from server.services.mail import delivery
from server.services.mail.outbox import queue_mail
from server.services.transactions import atomic
from server.storage import current_files, current_storage


def _run(app, session, job_id):
    submitted: list = []
    status = run_job(
        session,
        job_id,
        storage=current_storage(),
        files=current_files(),
        settings=dict(app.config),
        submit=submitted.extend,
    )
    return status, submitted


def test_mail_queued_by_a_request_that_joined_a_finishing_run_is_sent_by_a_run_started_at_once(
    app, session, smtp_server, monkeypatch
):
    with atomic(session):
        queue_mail(session, ["first@example.test"], "First", "body", kind="test")
    job, _ = start_job(session, delivery.SEND_MAIL, {}, None, "Send queued e-mail")
    original = delivery.deliver_due

    def deliver_then_a_request_queues_more(run_session, config):
        counts = original(run_session, config)
        with atomic(run_session):  # a request commits mail after the run's last look at the outbox ...
            queue_mail(run_session, ["second@example.test"], "Second", "body", kind="test")
        joined, was_joined = start_job(run_session, delivery.SEND_MAIL, {}, None, "Send queued e-mail")
        assert was_joined and joined.id == job.id  # ... and its immediate start joined the running job
        return counts

    monkeypatch.setattr(delivery, "deliver_due", deliver_then_a_request_queues_more)
    status, submitted = _run(app, session, job.id)
    assert status is JobStatus.DONE and len(submitted) == 1 and submitted[0] != job.id
    monkeypatch.setattr(delivery, "deliver_due", original)
    assert _run(app, session, submitted[0]) == (JobStatus.DONE, [])  # nothing more waits: no third run
    assert sorted(m.subject for m in smtp_server.wait_for(2)) == ["First", "Second"]
    session.expire_all()
    assert {m.status for m in session.scalars(select(MailMessage))} == {MailStatus.SENT}
    assert session.scalar(select(Job).where(Job.id == submitted[0])).status is JobStatus.DONE


def test_without_smtp_a_finished_run_does_not_start_again_for_mail_that_must_wait(app, session, smtp_server):
    app.config["SMTP_HOST"] = None
    with atomic(session):
        queue_mail(session, ["first@example.test"], "First", "body", kind="test")
    job, _ = start_job(session, delivery.SEND_MAIL, {}, None, "Send queued e-mail")
    assert _run(app, session, job.id) == (JobStatus.DONE, [])
