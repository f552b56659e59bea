"""The mail outbox's rows through their life: queued in the caller's transaction, claimed, sent, retried, failed.

A claim is one conditional UPDATE that moves the message's next attempt forward (a lease): two workers never
both win it, and a worker that dies mid-send leaves it to be tried again at that time. Delivery is therefore
at least once: a worker killed after the SMTP server took the message but before it was marked sent repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from server.extensions import DbSession
from server.models import MailMessage, MailStatus
from server.models.types import utcnow
from server.services.errors import NotFound
from server.services.transactions import atomic

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
"""The wait after each failed attempt; after the last (about 21 hours of trying, 7 attempts) the message fails."""
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ERROR_LENGTH = 500
MAIL_QUEUED = "fieldaudit.mail_queued"
"""Set in session.info when a message is added: after the request the edge submits the delivery job at once."""


def queue_mail(
    session: DbSession,
    recipients: Iterable[str],
    subject: str,
    text_body: str,
    html_body: str | None = None,
    *,
    kind: str,
) -> MailMessage:
    """Add a message to the outbox inside the caller's transaction (a rolled-back change sends nothing); flushed."""
    addresses = [address.strip() for address in recipients if address and address.strip()]
    if not addresses:
        raise ValueError("a message needs at least one recipient")
    if any("\r" in a or "\n" in a or "," in a for a in addresses) or "\r" in subject or "\n" in subject:
        raise ValueError("recipients and subject are single header lines")
    message = MailMessage(
        recipients=", ".join(addresses)[:2000],
        subject=subject[:300],
        text_body=text_body,
        html_body=html_body,
        kind=kind[:40],
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    session.add(message)
    session.flush()
    note_mail_queued(session)
    return message


def note_mail_queued(session: DbSession) -> None:
    """Ask the edge to submit the delivery job after this request (harmless when the transaction rolled back)."""
    session.info[MAIL_QUEUED] = True


def take_mail_queued(session: DbSession) -> bool:
    """Whether mail was queued since the last call (and forget it)."""
    return bool(session.info.pop(MAIL_QUEUED, False))


def due_ids(session: DbSession, now: datetime | None = None, limit: int = 50) -> list[int]:
    """Queued messages whose next attempt is due, oldest due first."""
    query = (
        select(MailMessage.id)
        .where(MailMessage.status == MailStatus.QUEUED, MailMessage.next_attempt_at <= (now or utcnow()))
        .order_by(MailMessage.next_attempt_at, MailMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def lease_for(attempt: int, timeout_seconds: int) -> timedelta:
    """When attempt number `attempt` may be retried if it fails (or its worker dies): the back-off, never less
    than two SMTP timeouts."""
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
    return max(delay, timedelta(seconds=2 * timeout_seconds + 30))


def claim_message(session: DbSession, message_id: int, *, timeout_seconds: int, now: datetime | None = None):
    """Take a due message for this worker (one conditional UPDATE: of two workers one wins); committed.

    The claim counts the attempt and moves the next one to the back-off time. The message, or None."""
    now = now or utcnow()
    current = session.execute(
        select(MailMessage.attempts).where(
            MailMessage.id == message_id,
            MailMessage.status == MailStatus.QUEUED,
            MailMessage.next_attempt_at <= now,
        )
    ).scalar_one_or_none()
    if current is None:
        session.rollback()
        return None
    with atomic(session):
        claimed = session.execute(
            update(MailMessage)
            .where(
                MailMessage.id == message_id,
                MailMessage.status == MailStatus.QUEUED,
                MailMessage.attempts == current,
                MailMessage.next_attempt_at <= now,
            )
            .values(attempts=current + 1, next_attempt_at=now + lease_for(current + 1, timeout_seconds))
            .execution_options(synchronize_session=False)
        )
    if not getattr(claimed, "rowcount", 0):
        return None
    session.expire_all()
    return session.get(MailMessage, message_id)


def mark_sent(session: DbSession, message_id: int) -> None:
    """The SMTP server took the message; committed."""
    with atomic(session):
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(status=MailStatus.SENT, sent_at=utcnow(), last_error="")
            .execution_options(synchronize_session=False)
        )


def mark_attempt_failed(session: DbSession, message_id: int, error: str, *, permanent: bool = False) -> MailStatus:
    """Record why an attempt failed; after the last attempt (or a permanent refusal) the message fails. Committed."""
    with atomic(session):
        message = session.get(MailMessage, message_id)
        if message is None:
            return MailStatus.FAILED
        message.last_error = error[:ERROR_LENGTH]
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED
        return message.status


def send_again(session: DbSession, message_id: int) -> MailMessage:
    """Put a failed message back in the queue with a fresh round of attempts (the last error stays). Not committed."""
    message = session.get(MailMessage, message_id) if 0 < message_id < 2**31 else None
    if message is None:
        raise NotFound("message", "There is no such message.")
    if message.status is not MailStatus.FAILED:
        raise NotFound("message", "Only a message that failed can be sent again.")
    message.status, message.attempts, message.next_attempt_at = MailStatus.QUEUED, 0, utcnow()
    note_mail_queued(session)
    return message


def recent_messages(session: DbSession, *, status: str | None = None, limit: int = 100) -> list[MailMessage]:
    """The newest messages (optionally of one status) for the admin page."""
    query = select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc()).limit(limit)
    if status in {s.value for s in MailStatus}:
        query = query.where(MailMessage.status == MailStatus(status))
    return list(session.scalars(query))


def status_counts(session: DbSession) -> dict[str, int]:
    """How many messages are queued, sent and failed."""
    rows = session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status))
    counts = {status.value: 0 for status in MailStatus}
    counts.update({MailStatus(status).value: count for status, count in rows})
    return counts
