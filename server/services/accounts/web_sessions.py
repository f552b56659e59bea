"""Server-side web sessions: start, find, touch, promote, end one, end all; lifetimes from the config."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from server.extensions import DbSession
from server.models import SessionStage, User, WebSession
from server.models.types import utcnow
from server.services.accounts.auth_log import Client, log_auth_event

KEEP_ENDED = timedelta(days=7)
"""Session rows are deleted a week after their absolute end (the activity log keeps the history)."""
PENDING_LIFETIME = timedelta(minutes=10)
"""A sign-in half done (code, new password, enrolment) must be finished within this."""
TOUCH_INTERVAL = timedelta(minutes=1)
MAX_ID_LENGTH = 64


def hash_session_id(plaintext: str) -> str:
    """The stored form of a session id: 256 random bits need no salt or slow hash."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _idle() -> timedelta:
    return current_app.config["SESSION_IDLE_LIFETIME"]


def _absolute() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def start_session(session: DbSession, user: User, stage: SessionStage, client: Client) -> tuple[WebSession, str]:
    """A new session record; returns it and the id for the cookie (shown here once, stored only hashed)."""
    plaintext = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now - KEEP_ENDED))
    lifetime = _absolute() if stage is SessionStage.ACTIVE else min(PENDING_LIFETIME, _absolute())
    record = WebSession(
        id_hash=hash_session_id(plaintext),
        user=user,
        stage=stage,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=client.ip,
        user_agent=client.user_agent,
    )
    session.add(record)
    session.flush()
    return record, plaintext


def advance_session(session: DbSession, record: WebSession, stage: SessionStage) -> str:
    """Move a pending sign-in on to `stage` under a fresh id (so an id seen before sign-in is worthless)."""
    plaintext = secrets.token_urlsafe(32)
    now = utcnow()
    record.id_hash = hash_session_id(plaintext)
    record.stage = stage
    record.last_seen_at = now
    if stage is SessionStage.ACTIVE:
        record.created_at = now
        record.expires_at = now + _absolute()
    return plaintext


def session_problem(record: WebSession | None, now: datetime | None = None) -> str | None:
    """Why a session cannot be used ("unknown", "ended", "expired", "idle", "inactive"), or None."""
    now = now or utcnow()
    if record is None:
        return "unknown"
    if record.ended_at is not None:
        return "ended"
    if record.expires_at <= now:
        return "expired"
    if record.stage is SessionStage.ACTIVE and now - record.last_seen_at > _idle():
        return "idle"
    if not record.user.active:
        return "inactive"
    return None


def find_session(session: DbSession, plaintext: object) -> WebSession | None:
    """The record the cookie names, whatever its state, or None."""
    if not isinstance(plaintext, str) or not plaintext or len(plaintext) > MAX_ID_LENGTH:
        return None
    try:
        digest = hash_session_id(plaintext)
    except UnicodeEncodeError:
        return None
    # The user comes in the same statement: a signed-in page costs one query for who is asking, as before.
    return session.scalar(select(WebSession).options(joinedload(WebSession.user)).where(WebSession.id_hash == digest))


def usable_session(
    session: DbSession, plaintext: object, stage: SessionStage | None = None, client: Client | None = None
) -> WebSession | None:
    """The record if it can be used now (and is at `stage`, when given); an idle or expired one is ended (logged)."""
    record = find_session(session, plaintext)
    if record is None:
        return None
    problem = session_problem(record)
    if problem in ("expired", "idle"):
        end_session(session, record, problem)
        why = "its absolute lifetime is over" if problem == "expired" else "it was idle too long"
        log_auth_event(
            session,
            "session_ended",
            client or Client(),
            user=record.user,
            actor=None,
            summary=f"Web session of {record.user.email} ended: {why}",
        )
        session.commit()  # deliberate: the loader ends it for good, before and whatever the request does
        return None
    if problem is not None or (stage is not None and record.stage is not stage):
        return None
    return record


def touch_session(session: DbSession, record: WebSession, now: datetime | None = None) -> bool:
    """Note activity (for the idle lifetime), at most once per TOUCH_INTERVAL so reads do not each write."""
    now = now or utcnow()
    if now - record.last_seen_at < TOUCH_INTERVAL:
        return False
    record.last_seen_at = now
    session.commit()  # deliberate: the loader records activity before, and whatever, the request does
    return True


def end_session(session: DbSession, record: WebSession, reason: str) -> None:
    """End one session (not committed); ending twice keeps the first time and reason."""
    if record.ended_at is None:
        record.ended_at = utcnow()
        record.ended_reason = reason[:32]


def end_user_sessions(session: DbSession, user: User, reason: str, *, keep: WebSession | None = None) -> int:
    """End every open session of the user (except `keep`); returns how many were ended. Not committed."""
    query = update(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep.id)
    # An UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed as returning any Result.
    result = cast(
        CursorResult,
        session.execute(
            query.values(ended_at=utcnow(), ended_reason=reason[:32]),
            execution_options={"synchronize_session": "fetch"},
        ),
    )
    return result.rowcount or 0


def list_sessions(session: DbSession, user: User) -> list[WebSession]:
    """The user's signed-in sessions that still work, most recently used first."""
    now = utcnow()
    rows = session.scalars(
        select(WebSession)
        .where(
            WebSession.user_id == user.id,
            WebSession.ended_at.is_(None),
            WebSession.stage == SessionStage.ACTIVE,
            WebSession.expires_at > now,
        )
        .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
    )
    return [row for row in rows if now - row.last_seen_at <= _idle()]
