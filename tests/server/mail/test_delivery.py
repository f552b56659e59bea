"""The outbox delivered to a real SMTP server: both parts and the organisation's name arrive, a rolled-back change
sends nothing, a server that is down means retries with growing waits and then a visible failure (never a lost
message), and two workers never send the same message twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.models import MailMessage, MailStatus
from server.models.types import utcnow
from server.services.mail.compose import compose_and_queue
from server.services.mail.delivery import deliver_due
from server.services.mail.outbox import MAX_ATTEMPTS, RETRY_DELAYS, claim_message, queue_mail
from server.services.org.settings import save_settings
from server.services.transactions import atomic


def _queue(session, to="ana@example.test", subject="Hello <there>", kind="test"):
    with atomic(session):
        return queue_mail(session, [to], subject, "plain body", "<p>html body</p>", kind=kind).id


def _make_due(session, message_id):
    """Skip the back-off wait (the test's clock cannot jump)."""
    with atomic(session):
        session.execute(update(MailMessage).where(MailMessage.id == message_id).values(next_attempt_at=utcnow()))


def test_a_queued_message_arrives_with_its_recipient_subject_both_parts_and_the_organisation_name(
    app, session, smtp_server
):
    with atomic(session):
        save_settings(session, None, {"organisation_name": "Acme & Sons"})
        compose_and_queue(
            session,
            ["ana@example.test"],
            "Choose a new password for Acme & Sons on Fieldaudit",
            "password_reset",
            kind="password_reset",
            name="Ana <b>",
            email="ana@example.test",
            link="http://fieldaudit.test/password/abc",
            expires=utcnow(),
        )
    assert deliver_due(session, dict(app.config)) == {"sent": 1, "retrying": 0, "failed": 0}
    [got] = smtp_server.wait_for(1)
    assert got.rcpt_tos == ["ana@example.test"] and got.message["To"] == "ana@example.test"
    assert got.subject == "Choose a new password for Acme & Sons on Fieldaudit"
    [sender] = got.message["From"].addresses
    assert sender.display_name == "Acme & Sons" and sender.addr_spec == "audit@example.org"
    plain, html = got.part("plain"), got.part("html")
    assert "Hello Ana <b>," in plain and "Acme & Sons · sent by Fieldaudit" in plain
    assert "Hello Ana &lt;b&gt;," in html and "Acme &amp; Sons · sent by Fieldaudit" in html  # autoescaped
    assert 'href="http://fieldaudit.test/password/abc"' in html
    row = session.scalar(select(MailMessage))
    assert row.status is MailStatus.SENT and row.attempts == 1 and row.sent_at is not None and row.last_error == ""


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(app, session, smtp_server):
    with pytest.raises(RuntimeError), atomic(session):
        queue_mail(session, ["ana@example.test"], "Never", "body", kind="test")
        raise RuntimeError("the change failed")
    assert session.scalar(select(MailMessage)) is None
    assert deliver_due(session, dict(app.config))["sent"] == 0
    assert smtp_server.messages == []


def test_without_smtp_settings_messages_stay_queued_untouched(app, session, smtp_server):
    message_id = _queue(session)
    assert deliver_due(session, {**app.config, "SMTP_HOST": None}) == {"sent": 0, "retrying": 0, "failed": 0}
    row = session.get(MailMessage, message_id)
    assert row.status is MailStatus.QUEUED and row.attempts == 0
    assert smtp_server.messages == []


def test_a_down_smtp_server_means_retries_with_growing_waits_then_a_failure_then_send_again_delivers(
    app, session, smtp_server, make
):
    message_id = _queue(session)
    smtp_server.stop()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        _make_due(session, message_id)
        before = utcnow()
        counts = deliver_due(session, dict(app.config))
        session.expire_all()
        row = session.get(MailMessage, message_id)
        assert row.attempts == attempt and "ConnectionRefusedError" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert counts["retrying"] == 1 and row.status is MailStatus.QUEUED
            waits.append(row.next_attempt_at - before)
            assert deliver_due(session, dict(app.config))["retrying"] == 0  # not due again before its wait
        else:
            assert counts["failed"] == 1 and row.status is MailStatus.FAILED
    assert all(later > earlier for earlier, later in zip(waits, waits[1:]))
    assert waits[0] >= RETRY_DELAYS[0] and waits[-1] >= RETRY_DELAYS[-1] - timedelta(seconds=5)

    from tests.server.auth_helpers import new_client
    from tests.server.web.org.conftest import sign_in_as

    as_admin = sign_in_as(new_client(app), make.user("admin"))
    page = as_admin.get("/admin/mail?status=failed")
    assert f'id="mail-{message_id}" class="mail-failed"' in page.text and "ConnectionRefusedError" in page.text
    assert "Hello &lt;there&gt;" in page.text
    smtp_server.start()
    assert as_admin.post(f"/admin/mail/{message_id}/send-again").status_code == 302
    app.extensions["job_queue"].wait_idle(60)  # the request submitted the delivery job at once
    [got] = smtp_server.wait_for(1)
    assert got.subject == "Hello <there>"
    session.expire_all()
    assert session.get(MailMessage, message_id).status is MailStatus.SENT


def test_a_refusal_for_good_fails_the_message_at_once(app, session, smtp_server):
    message_id = _queue(session, to="nobody@example.test")

    class Refusing:
        async def handle_RCPT(self, server, session_, envelope, address, options):  # noqa: N802
            return "550 No such user here"

    smtp_server.stop()
    smtp_server._handler.handle_RCPT = Refusing().handle_RCPT  # type: ignore[attr-defined]
    smtp_server.start()
    assert deliver_due(session, dict(app.config))["failed"] == 1
    row = session.get(MailMessage, message_id)
    assert row.status is MailStatus.FAILED and row.attempts == 1 and "550" in row.last_error


def test_of_two_claims_on_one_message_only_one_wins(app, session):
    message_id = _queue(session)
    first = claim_message(session, message_id, timeout_seconds=5)
    second = claim_message(session, message_id, timeout_seconds=5)
    assert first is not None and second is None
    assert session.get(MailMessage, message_id).attempts == 1


def test_two_workers_at_once_send_each_message_exactly_once(app, session, smtp_server):
    from server.extensions import db

    ids = [_queue(session, to=f"person{n}@example.test", subject=f"Message {n}") for n in range(12)]
    start = threading.Barrier(2)
    errors = []

    def worker():
        with app.app_context():
            try:
                start.wait(10)
                deliver_due(db.session, dict(app.config))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    got = smtp_server.wait_for(len(ids))
    assert sorted(m.subject for m in got) == sorted(f"Message {n}" for n in range(12))
    session.expire_all()
    assert {row.status for row in session.scalars(select(MailMessage))} == {MailStatus.SENT}
    assert {row.attempts for row in session.scalars(select(MailMessage))} == {1}


def test_a_message_whose_worker_died_mid_send_is_sent_when_its_lease_runs_out(app, session, smtp_server):
    message_id = _queue(session)
    assert claim_message(session, message_id, timeout_seconds=5) is not None  # ... and then the worker was killed
    assert deliver_due(session, dict(app.config))["sent"] == 0  # another worker leaves it alone for now
    row = session.get(MailMessage, message_id)
    assert row.status is MailStatus.QUEUED and row.next_attempt_at > utcnow()
    _make_due(session, message_id)  # the lease ran out
    assert deliver_due(session, dict(app.config))["sent"] == 1
    assert [m.subject for m in smtp_server.wait_for(1)] == ["Hello <there>"]
    session.expire_all()
    assert session.get(MailMessage, message_id).attempts == 2


def test_only_the_mail_composer_renders_the_e_mail_templates():
    """They carry inline styles the web pages' policy forbids (tests/server/test_http_headers.py lets them)."""
    from pathlib import Path

    server = Path(__file__).resolve().parents[3] / "server"
    users = sorted(
        str(path.relative_to(server)) for path in server.rglob("*.py") if '"mail/' in path.read_text(encoding="utf-8")
    )
    assert users == ["services/mail/compose.py"]
