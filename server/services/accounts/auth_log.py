"""The audit trail of signing in: every success, failure, lockout, token, session, password and MFA event.

Entries carry the normalised email, the client address and the user agent; never a password,
a code or a token (a token is named by its public prefix only).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import exists, select

from server.extensions import DbSession
from server.models import Activity, User
from server.models.types import utcnow
from server.services.activity import log_activity

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
SIGN_IN_ACTIONS = ("sign_in", "token_issued")
FAILURE_ACTIONS = ("sign_in_failed", "mfa_code_refused", "sign_in_locked")


@dataclass(frozen=True)
class Client:
    """Where a request came from: the client address (after the trusted proxies) and its user agent."""

    ip: str = ""
    user_agent: str = ""

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None) -> Client:
        """Tidied for storage: bounded, no control characters."""
        return cls(_UNPRINTABLE.sub("", ip or "")[:45], _UNPRINTABLE.sub("", user_agent or "")[:255])


def normal_email(email: object) -> str:
    """The email as stored and compared: trimmed, lower-case, bounded, printable."""
    text = email if isinstance(email, str) else ""
    return _UNPRINTABLE.sub("", text.strip().lower())[:254]


class _Self(enum.Enum):
    """The type of SELF: one value, so a type checker tells it apart from a user or None."""

    SELF = "self"


SELF = _Self.SELF
"""`actor` default of log_auth_event: the user the event is about did it."""


def log_auth_event(
    session: DbSession,
    action: str,
    client: Client,
    *,
    user: User | None = None,
    email: str | None = None,
    summary: str = "",
    actor: User | None | Literal[_Self.SELF] = SELF,
) -> Activity:
    """One entry about `user` (or about an email nobody has); `actor` is who did it: the user themselves by
    default, another admin, or None when unknown (a failed sign-in) or the command line.

    Not committed: the caller's transaction carries it.
    """
    email = normal_email(email if email is not None else getattr(user, "email", ""))
    who = user if actor is SELF else actor
    return log_activity(
        session,
        who,
        action,
        "user",
        user.id if user is not None else "unknown",
        summary,
        email=email or None,
        ip=client.ip or None,
        user_agent=client.user_agent or None,
    )


def recent_failures(session: DbSession, user: User, limit: int = 10) -> list[Activity]:
    """The user's latest failed sign-ins and lockouts, newest first, for the admin's user page."""
    return list(
        session.scalars(
            select(Activity)
            .where(
                Activity.object_type == "user", Activity.object_id == str(user.id), Activity.action.in_(FAILURE_ACTIONS)
            )
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(limit)
        )
    )


def signed_in_recently_from(session: DbSession, user: User, ip: str, days: int = 30) -> bool:
    """Whether the user completed a sign-in from this address in the last `days` days (their usual network)."""
    if not ip:
        return False
    since = utcnow() - timedelta(days=days)
    return bool(
        session.scalar(
            select(
                exists().where(
                    Activity.actor_id == user.id,
                    Activity.action.in_(SIGN_IN_ACTIONS),
                    Activity.ip == ip,
                    Activity.created_at >= since,
                )
            )
        )
    )
