"""Signing a phone in with a one-time code an admin shows as a QR code, instead of the shopper typing a password.

A code is 16 characters from an alphabet without look-alikes (about 79 random bits), valid for
ENROLMENT_LIFETIME (15 minutes by default), for one phone once; only its SHA-256 is stored, like a token.
Creating a code voids the user's earlier unused one. Only admins create codes, only for active shoppers.

The code replaces both the password and the second factor: the admin who shows it has passed their own
second factor, and vouches for the phone in front of them. A shopper whose password is still temporary
may enrol too (the phone never needs the password; they choose one on the website when they first use it).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from server.extensions import DbSession
from server.models import EnrolmentCode, Role, User
from server.models.types import utcnow
from server.permissions import can_manage
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.sign_in import record_sign_in
from server.services.accounts.token_sign_in import IssuedSignIn, TokenRefused
from server.services.accounts.tokens import issue_token
from server.services.accounts.users import AccountError
from server.services.errors import NotAllowed

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read off a screen and typed on a phone keyboard has nothing to confuse."""
CODE_LENGTH = 16
MAX_CODE_INPUT = 64
LINK_SCHEME = "fieldaudit://enrol"

UNKNOWN = "That sign-in code is not known. Check it, or ask your coordinator for a new one."
USED = "That sign-in code was used already: each code signs in one phone once. Ask your coordinator for a new one."
EXPIRED = "That sign-in code has expired. Ask your coordinator for a new one."
REPLACED = "That sign-in code was replaced by a newer one. Use the newest code your coordinator shows."
INACTIVE = "This account cannot sign in with a code any more. Ask your coordinator."


@dataclass(frozen=True)
class IssuedCode:
    """A new code: the row and the plaintext (shown once, on the admin's page)."""

    row: EnrolmentCode
    plaintext: str

    @property
    def readable(self) -> str:
        """The code in groups of four, for typing when the camera does not work."""
        return grouped_code(self.plaintext)


def grouped_code(code: str) -> str:
    """'ABCD-EFGH-JKMN-PQRS'."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normal_code(text: object) -> str:
    """What a person typed, as the code compares: upper case, without spaces and dashes."""
    raw = text if isinstance(text, str) else ""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")


def hash_code(code: str) -> str:
    """The stored form: 79 random bits that live 15 minutes need no salt or slow hash."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def enrolment_link(server_url: str, code: str) -> str:
    """The link the QR code holds: fieldaudit://enrol?server=<public URL>&code=<code>."""
    return f"{LINK_SCHEME}?{urlencode({'server': server_url.rstrip('/'), 'code': code})}"


def create_enrolment_code(
    session: DbSession, actor: User, user: User, client: Client = Client(), *, lifetime: timedelta | None = None
) -> IssuedCode:
    """A new code for an active shopper (an admin asks); voids their unused one, logged. Not committed."""
    if not can_manage(actor):
        raise NotAllowed(None, "Only admins sign phones in with a code.")
    if user.role is not Role.SHOPPER:
        raise AccountError("user", "Sign-in codes are for shoppers' phones only.")
    if not user.active:
        raise AccountError("user", f"{user.email} is deactivated: reactivate them before signing in a phone.")
    now = utcnow()
    session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.user_id == user.id, EnrolmentCode.used_at.is_(None), EnrolmentCode.replaced_at.is_(None))
        .values(replaced_at=now),
        execution_options={"synchronize_session": "fetch"},
    )
    lifetime = lifetime if lifetime is not None else current_app.config["ENROLMENT_LIFETIME"]
    plaintext = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = EnrolmentCode(
        user=user, code_hash=hash_code(plaintext), created_by_id=actor.id, created_at=now, expires_at=now + lifetime
    )
    session.add(row)
    session.flush()
    minutes = max(1, int(lifetime.total_seconds() // 60))
    log_auth_event(
        session,
        "enrolment_code_created",
        client,
        user=user,
        actor=actor,
        summary=f"Phone sign-in code for {user.email} created by {actor.email}, valid {minutes} minutes",
    )
    return IssuedCode(row, plaintext)


def code_problem(row: EnrolmentCode | None, now: datetime) -> tuple[str, str] | None:
    """(reason, message) why the code cannot sign in, or None if it can."""
    if row is None:
        return "code_unknown", UNKNOWN
    if row.used_at is not None:
        return "code_used", USED
    if row.replaced_at is not None:
        return "code_replaced", REPLACED
    if row.expires_at <= now:
        return "code_expired", EXPIRED
    if not row.user.active or row.user.role is not Role.SHOPPER:
        return "inactive", INACTIVE
    return None


def sign_in_with_code(session: DbSession, *, code: str, device_name: str, client: Client) -> IssuedSignIn:
    """Use the code once and issue a token, logged; raises TokenRefused (401, field `code`). Not committed.

    The code is spent by one conditional UPDATE (still unused, not replaced, not expired): of two phones
    racing with the same code, exactly one changes the row, the other is told it was used."""
    text = normal_code(code)
    now = utcnow()
    row = None
    if 0 < len(text) <= MAX_CODE_INPUT:
        row = session.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == hash_code(text)))
    problem = code_problem(row, now)
    if problem is not None or row is None:
        reason, message = problem or ("code_unknown", UNKNOWN)
        raise CodeRefused(reason, message)
    device = (device_name or "").strip()[:120]
    spent = cast(
        CursorResult,
        session.execute(
            update(EnrolmentCode)
            .where(
                EnrolmentCode.id == row.id,
                EnrolmentCode.used_at.is_(None),
                EnrolmentCode.replaced_at.is_(None),
                EnrolmentCode.expires_at > now,
            )
            .values(used_at=now, device_name=device or None)
            .execution_options(synchronize_session=False)
        ),
    )
    if spent.rowcount != 1:
        raise CodeRefused("code_used", USED)
    user = row.user
    token, plaintext = issue_token(session, user, device)
    log_auth_event(
        session,
        "enrolment_code_used",
        client,
        user=user,
        summary=f"Phone sign-in code of {user.email} used by {token.name}",
    )
    log_auth_event(
        session,
        "token_issued",
        client,
        user=user,
        summary=f"Token {token.prefix}… issued to {user.email} for {token.name} (a sign-in code from an admin)",
    )
    record_sign_in(session, user, client, how=f"the phone {token.name!r} with a sign-in code")
    return IssuedSignIn(user, token, plaintext)


class CodeRefused(TokenRefused):
    """No token for this code: 401 with a reason (code_unknown, code_used, code_expired, code_replaced, inactive)."""

    def __init__(self, reason: str, message: str):
        super().__init__(401, reason, message)
        self.field = "code"
