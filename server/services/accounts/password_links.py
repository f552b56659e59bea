"""Single-use links that let a person set their password: invitations (join) and resets (forgotten password).

A link carries 256 random bits; only their SHA-256 is stored (a copy of the database opens no account). A link
works once (one conditional UPDATE spends it: of two tabs submitting at once, one wins), until it expires, and
stops working when a newer link of the same purpose is made, when the password changes, or when the user is
deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from server.extensions import DbSession
from server.models import PasswordToken, TokenPurpose, User
from server.models.types import utcnow
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.users import (
    AccountError,
    PasswordChange,
    check_password_strength,
    set_password,
    spend_password_links,
)

LINK_PATH = "/password/{token}"
"""Where a link leads (server/auth/password_pages.py serves it)."""
TOKEN_BYTES = 32
SPENT = "This link has expired or was already used. Ask for a new one."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def link_url(base_url: str, token: str) -> str:
    """The absolute address of the link (`base_url`: FIELDAUDIT_PUBLIC_URL, else the request's own)."""
    return base_url.rstrip("/") + LINK_PATH.format(token=token)


def issue_link(session: DbSession, user: User, purpose: TokenPurpose, lifetime: timedelta) -> tuple[str, PasswordToken]:
    """A new link for the user (their older links of this purpose stop working): (token, row). Not committed."""
    spend_password_links(session, user, purpose)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = PasswordToken(user_id=user.id, purpose=purpose, token_hash=_digest(token), expires_at=utcnow() + lifetime)
    session.add(row)
    session.flush()
    return token, row


@dataclass(frozen=True)
class OpenLink:
    """A link that still works: what it is for and whose it is."""

    token: PasswordToken
    user: User


def open_link(session: DbSession, token: object) -> OpenLink | None:
    """The link if it is unused, unexpired and its user active; else None (the page says it is spent)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100 or not token.isascii():
        return None
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return OpenLink(row, user)


def use_link(session: DbSession, token: object, password: str, confirm: str, client: Client) -> User:
    """Set the password through the link and spend it (AccountError "token" when it no longer works). Not committed.

    The password rule is checked before the link is spent, so a refused password leaves the link usable."""
    link = open_link(session, token)
    if link is None:
        raise AccountError("token", SPENT)
    if password != confirm:
        raise AccountError("confirm", "The two passwords differ.")
    check_password_strength(password, link.user.email)
    spent = session.execute(
        update(PasswordToken)
        .where(PasswordToken.id == link.token.id, PasswordToken.used_at.is_(None), PasswordToken.expires_at > utcnow())
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not getattr(spent, "rowcount", 0):  # another tab (or request) used it a moment ago
        raise AccountError("token", SPENT)
    change: PasswordChange = set_password(session, link.user, password)
    joined = link.token.purpose is TokenPurpose.INVITATION
    log_auth_event(
        session,
        "invitation_accepted" if joined else "password_reset_used",
        client,
        user=link.user,
        summary=(
            f"{link.user.email} joined: chose a password through their invitation"
            if joined
            else f"{link.user.email} set a new password through a reset link; {change.describe()}"
        ),
    )
    return link.user
