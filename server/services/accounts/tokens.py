"""API bearer tokens for the phone app: issued once in plaintext, stored only as SHA-256, revocable, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, joinedload, object_session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

from server.extensions import DbSession
from server.models import ApiToken, User
from server.models.types import utcnow
from server.permissions import MAX_INT_ID, can_manage
from server.services.errors import NotFound

TOKEN_PREFIX = "fa_"
# "fa_" + 43 url-safe characters for 32 random bytes; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 128
SHOWN_PREFIX_LENGTH = 10  # "fa_" + 7 characters, enough for a person to tell tokens apart
DEFAULT_DEVICE_NAME = "Unnamed device"
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenNotFound(NotFound):
    """No token with that id that this actor may see (foreign ids look exactly like missing ones)."""

    def __init__(self, token_id: object):
        super().__init__("token_id", "No such token.")
        self.token_id = token_id


def hash_token(plaintext: str) -> str:
    """The stored form of a token: 256 random bits need no salt or slow hash, SHA-256 suffices."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def issue_token(session: DbSession, user: User, name: str, lifetime: timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user` (flushed: it has its id); the plaintext is returned here once and never stored."""
    lifetime = lifetime if lifetime is not None else current_app.config["TOKEN_LIFETIME"]
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip()[:120] or DEFAULT_DEVICE_NAME,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:SHOWN_PREFIX_LENGTH],
        expires_at=utcnow() + lifetime,
    )
    session.add(token)
    session.flush()
    return token, plaintext


def list_tokens(session: DbSession, user: User, *, include_inactive: bool = False) -> list[ApiToken]:
    """The user's tokens, newest first; by default only those that still work."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if not include_inactive:
        query = query.where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
    return list(session.scalars(query))


def revoke_token(session: DbSession, actor: User, token_id: int) -> ApiToken:
    """Revoke one token (its owner or an admin may); revoking twice is harmless. Not committed."""
    token = None
    if isinstance(token_id, int) and 0 < token_id <= MAX_INT_ID:
        token = session.get(ApiToken, token_id)
    if token is None or not (token.user_id == actor.id or can_manage(actor)):
        raise TokenNotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def revoke_user_tokens(session: DbSession, user: User) -> int:
    """Revoke every working token of the user (expired ones stay as they are); returns how many. Not committed."""
    now = utcnow()
    # An UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed as returning any Result.
    result = cast(
        CursorResult,
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
            .values(revoked_at=now),
            execution_options={"synchronize_session": "fetch"},
        ),
    )
    return result.rowcount or 0


def find_token(session: DbSession, plaintext: str | None) -> ApiToken | None:
    """The token with this plaintext, whatever its state, or None; its user comes in the same query."""
    if not plaintext or len(plaintext) > MAX_TOKEN_LENGTH or not plaintext.startswith(TOKEN_PREFIX):
        return None
    try:
        digest = hash_token(plaintext)
    except UnicodeEncodeError:
        return None
    return session.scalar(_TOKEN_BY_DIGEST, {"digest": digest})


_TOKEN_BY_DIGEST = (
    select(ApiToken)
    .options(joinedload(ApiToken.user, innerjoin=True))
    .where(ApiToken.token_hash == bindparam("digest"))
)
"""find_token's query, built once: every API request signs in with it."""


def token_problem(token: ApiToken | None, now: datetime | None = None) -> str | None:
    """Why a token cannot be used ("unknown", "revoked", "expired", "inactive"), or None if it can."""
    now = now or utcnow()
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    if not token.user.active:
        return "inactive"
    return None


def authenticate_token(session: DbSession, plaintext: str | None) -> User | None:
    """The active user a usable token belongs to, else None."""
    token = find_token(session, plaintext)
    return token.user if token is not None and token_problem(token) is None else None


def touch_token(session: DbSession, token: ApiToken, now: datetime | None = None) -> bool:
    """Record use, at most once per TOUCH_INTERVAL, so reads do not each cost a write.

    One UPDATE, committed at once without expiring what the request has loaded (the token and its
    user stay usable with no second read); its WHERE repeats the interval, so concurrent requests of
    one phone record it once. Call it before the request has changes of its own: they would be committed too.
    """
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return False
    result = cast(
        CursorResult,
        session.execute(  # an UPDATE's result: a CursorResult, with the rowcount
            update(ApiToken)
            .where(
                ApiToken.id == token.id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    # Deliberate commit: the use is recorded before, and whatever, the request does (the loader calls this first).
    _commit_keeping_loaded(object_session(token) or _session_itself(session))
    set_committed_value(token, "last_used_at", now)
    return bool(result.rowcount)


def _session_itself(session: DbSession) -> Session:
    """The Session a scoped_session stands for (a plain Session as it is)."""
    return session() if isinstance(session, scoped_session) else session


def _commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring the session's objects (they were read in this transaction and nothing else changed).

    `session` is the Session itself (a scoped_session proxy would take the setting on itself, not pass it on)."""
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
