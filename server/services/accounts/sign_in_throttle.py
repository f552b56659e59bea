"""Sign-in throttling that counts failures only: tight per (email, client address), looser per email.

Counters live in the database, so every worker sees them. A lock grows exponentially with each
failure past the free ones and is forgotten a day after the last failure. The per-email lock is
what a distributed attacker could use against an owner; the caller lifts it for the owner's known
devices and usual networks (services.sign_in), never the per-(email, address) one.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import case, delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from server.extensions import DbSession
from server.models import SignInCounter
from server.models.types import utcnow

FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Rule:
    """`free` failures are allowed; each one from then on locks for base x 2^(extra), at most `cap`."""

    kind: str
    free: int
    base: timedelta
    cap: timedelta

    def lock_for(self, failures: int) -> timedelta | None:
        """How long the failure number `failures` locks the key, or None while still free."""
        if failures < self.free:
            return None
        return min(self.cap, self.base * 2 ** min(failures - self.free, 20))


PAIR = Rule("pair", free=5, base=timedelta(seconds=30), cap=timedelta(minutes=30))
EMAIL = Rule("email", free=20, base=timedelta(minutes=1), cap=timedelta(hours=1))


def _key(rule: Rule, email: str, ip: str) -> str:
    raw = f"{email}\x00{ip}" if rule is PAIR else email
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def _locked_until(session: DbSession, rule: Rule, key: str) -> datetime | None:
    return session.scalar(
        select(SignInCounter.locked_until).where(SignInCounter.kind == rule.kind, SignInCounter.key_hash == key)
    )


def retry_after(
    session: DbSession, email: str, ip: str, *, email_lock_applies: bool = True, now: datetime | None = None
) -> int | None:
    """Seconds until this email may be tried again from this address, or None if it may be tried now."""
    now = now or utcnow()
    rules = (PAIR, EMAIL) if email_lock_applies else (PAIR,)
    waits = [until for rule in rules if (until := _locked_until(session, rule, _key(rule, email, ip))) and until > now]
    return math.ceil((max(waits) - now).total_seconds()) if waits else None


def _bump(session: DbSession, rule: Rule, key: str, now: datetime) -> int:
    """Add one failure atomically (one UPDATE, or the first INSERT); returns the new count."""
    counter = SignInCounter
    fresh = counter.last_failure_at < now - FORGET_AFTER
    for _ in range(2):
        bumped = session.execute(
            update(counter)
            .where(counter.kind == rule.kind, counter.key_hash == key)
            .values(
                failures=case((fresh, 1), else_=counter.failures + 1),
                last_failure_at=now,
                locked_until=case((fresh, None), else_=counter.locked_until),
            )
            .returning(counter.failures)
        )
        count = bumped.scalar()
        if count is not None:
            return count
        try:
            with session.begin_nested():
                session.add(counter(kind=rule.kind, key_hash=key, failures=1, last_failure_at=now))
            return 1
        except IntegrityError:  # another worker inserted it first: bump that row
            continue
    raise RuntimeError("could not record a sign-in failure")


def record_failure(session: DbSession, email: str, ip: str, now: datetime | None = None) -> datetime | None:
    """Count one failed sign-in for the pair and the email; returns when a lock it started ends, if it did.

    Not committed: the caller's transaction (with its log entry) carries it.
    """
    now = now or utcnow()
    forget_stale_counters(session, now)
    started = None
    for rule in (PAIR, EMAIL):
        key = _key(rule, email, ip)
        lock = rule.lock_for(_bump(session, rule, key, now))
        if lock is not None:
            until = now + lock
            session.execute(
                update(SignInCounter)
                .where(SignInCounter.kind == rule.kind, SignInCounter.key_hash == key)
                .values(locked_until=until)
            )
            started = max(started, until) if started else until
    return started


def forget_stale_counters(session: DbSession, now: datetime | None = None) -> int:
    """Delete counters a day past their last failure and no longer locking (so an attack leaves no pile). Not committed."""
    now = now or utcnow()
    # A DELETE's result is a CursorResult (it has the rowcount); Session.execute is typed as returning any Result.
    result = cast(
        CursorResult,
        session.execute(
            delete(SignInCounter).where(
                SignInCounter.last_failure_at < now - FORGET_AFTER,
                (SignInCounter.locked_until.is_(None)) | (SignInCounter.locked_until < now),
            )
        ),
    )
    return result.rowcount or 0


def record_success(session: DbSession, email: str, ip: str) -> None:
    """A right password from this address clears its pair counter (the email's counter stays). Not committed."""
    session.execute(
        delete(SignInCounter).where(SignInCounter.kind == PAIR.kind, SignInCounter.key_hash == _key(PAIR, email, ip))
    )
