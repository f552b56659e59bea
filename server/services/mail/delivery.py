"""Delivering the outbox: the `send_mail` job sends every due message, retrying failures with back-off.

Submitted at once after a request that queued mail (so a reset link arrives in seconds) and run every minute
by the scheduler, which catches whatever the immediate submit missed (a queue that did not answer, a
message queued while the job was finishing, a retry that came due).
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from server.extensions import DbSession
from server.models import MailStatus
from server.services.jobs.kinds import JobContext, JobKind
from server.services.jobs.launch import JobSubmitter, launch
from server.services.mail.compose import organisation_name
from server.services.mail.outbox import claim_message, due_ids, mark_attempt_failed, mark_sent
from server.services.mail.smtp import PermanentFailure, SmtpSettings, build_message, describe_error, send

log = logging.getLogger(__name__)

MAX_ROUNDS = 20
"""Batches of due messages one run sends before it leaves the rest to the next run."""


def deliver_due(session: DbSession, config: dict[str, Any]) -> dict[str, int]:
    """Send every due message (SMTP not configured: leave them queued); counts of sent, retrying and failed."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    settings = SmtpSettings.from_config(config)
    if settings is None:
        return counts
    sender_name = organisation_name(session)
    session.rollback()
    for _ in range(MAX_ROUNDS):
        batch = due_ids(session)
        session.rollback()
        if not batch:
            break
        for message_id in batch:
            outcome = deliver_one(session, message_id, settings, sender_name)
            if outcome is not None:
                counts[outcome] += 1
    return counts


def deliver_one(session: DbSession, message_id: int, settings: SmtpSettings, sender_name: str) -> str | None:
    """Claim and send one message: "sent", "retrying" or "failed", or None when another worker has it."""
    message = claim_message(session, message_id, timeout_seconds=settings.timeout)
    if message is None:
        return None
    email = build_message(message, settings, sender_name)
    session.rollback()
    try:
        send(email, settings)
    except PermanentFailure as exc:
        log.warning("mail %s (%s) refused for good: %s", message_id, message.kind, exc)
        mark_attempt_failed(session, message_id, str(exc), permanent=True)
        return "failed"
    except (OSError, smtplib.SMTPException) as exc:
        error = describe_error(exc)
        status = mark_attempt_failed(session, message_id, error)
        log.warning("mail %s (%s) not sent (%s): %s", message_id, message.kind, status.value, error)
        return "failed" if status is MailStatus.FAILED else "retrying"
    mark_sent(session, message_id)
    return "sent"


def _send_mail(context: JobContext) -> None:
    deliver_due(context.session, dict(context.settings))


def _mail_waiting(session: DbSession, settings: dict[str, Any]) -> bool:
    """Mail that came due while the run finished (none counts while SMTP is not set up: it stays queued)."""
    return SmtpSettings.from_config(settings) is not None and bool(due_ids(session, limit=1))


SEND_MAIL = JobKind("send_mail", _send_mail, timeout=900, max_attempts=1, more_due=_mail_waiting)


def deliver_soon(session: DbSession, submitter: JobSubmitter) -> None:
    """Start the delivery job now (or join the one running); a queue that does not answer leaves it to the scheduler."""
    launch(session, submitter, SEND_MAIL, {}, None, "Send queued e-mail")
