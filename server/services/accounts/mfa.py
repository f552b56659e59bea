"""The second factor: TOTP enrolment (QR code and secret), codes with replay refused, recovery codes, reset."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import cast

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import CursorResult

from server.extensions import DbSession
from server.models import RecoveryCode, Role, User
from server.models.types import utcnow
from server.services.errors import ServiceError

ISSUER = "Fieldaudit"
STEP_SECONDS = 30
DRIFT_STEPS = 1
"""Codes of the previous and next 30-second step are accepted too: phone clocks drift."""
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
_RECOVERY_LENGTH = 16  # 16 characters of 31: 79 bits, enough that a plain SHA-256 is a safe way to store them


class MfaError(ServiceError):
    """A second-factor request that cannot be carried out; `field` names the input at fault."""


def mfa_required(user: User) -> bool:
    """Admins must use a second factor; the demo's admin (published password, loopback only) is exempt."""
    return user.role is Role.ADMIN and not user.demo


def _step(now: float | None) -> int:
    return int(now if now is not None else time.time()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    """The 6-digit code of a secret at a time step."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).generate_otp(step)


def _matching_step(secret: str, code: str, now: float | None) -> int | None:
    """The time step (within the drift window) whose code this is, or None."""
    current = _step(now)
    for step in (current, current - DRIFT_STEPS, current + DRIFT_STEPS):
        if hmac.compare_digest(code_for(secret, step), code):
            return step
    return None


def _digits(code: object) -> str | None:
    text = "".join(str(code or "").split())
    return text if len(text) == 6 and text.isascii() and text.isdigit() else None


# -- enrolment ------------------------------------------------------------------------------------------------------
def start_enrolment(session: DbSession, user: User) -> str:
    """A new pending secret (the current factor keeps working until the new one is confirmed). Not committed."""
    user.totp_pending_secret = pyotp.random_base32()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG markup (no script, no data: URL, so a strict CSP allows it)."""
    return svg_qr_code(provisioning_uri(user, secret), "QR code for your authenticator app")


def svg_qr_code(text: str, title: str) -> str:
    """Any text as a QR code in inline SVG markup (the authenticator's and the phone sign-in's)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=2, svgclass="qr", title=title)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(session: DbSession, user: User, code: object, now: float | None = None) -> list[str]:
    """Check the first code of the pending secret, make it the user's factor; returns new recovery codes.

    Not committed: the caller logs it, and its edge commits.
    """
    secret = user.totp_pending_secret
    if not secret:
        raise MfaError("code", "Start the set-up again: no authenticator is waiting to be confirmed.")
    digits = _digits(code)
    step = _matching_step(secret, digits, now) if digits else None
    if step is None:
        raise MfaError("code", "That code is not right. Enter the 6 digits your app shows now.")
    user.totp_secret, user.totp_pending_secret = secret, None
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    return replace_recovery_codes(session, user)


# -- recovery codes ---------------------------------------------------------------------------------------------------
def _normal_recovery(code: object) -> str:
    return "".join(ch for ch in str(code or "").lower() if ch.isalnum())[:64]


def hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code (normalised: case, spaces and dashes do not matter)."""
    return hashlib.sha256(_normal_recovery(code).encode("utf-8")).hexdigest()


def replace_recovery_codes(session: DbSession, user: User) -> list[str]:
    """Ten new one-time codes (the old ones stop working); the plaintext is returned here only. Not committed."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)) for code in codes)
    return codes


def recovery_codes_left(session: DbSession, user: User) -> int:
    """How many unused recovery codes the user still has."""
    return len(
        session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


# -- signing in -------------------------------------------------------------------------------------------------------
def verify_second_factor(session: DbSession, user: User, code: object, now: float | None = None) -> str | None:
    """ "totp" or "recovery" if `code` is a fresh authenticator code or an unused recovery code, else None.

    A code is spent atomically (one UPDATE), so two workers cannot both accept it; a code of the
    time step already used, or earlier, is a replay and is refused. Not committed.
    """
    secret = user.totp_secret
    if not user.mfa_enabled or secret is None:  # mfa_enabled implies a secret: the second test is for mypy
        return None
    digits = _digits(code)
    if digits is not None:
        step = _matching_step(secret, digits, now)
        if step is None:
            return None
        # An UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed as returning any Result.
        spent = cast(
            CursorResult,
            session.execute(
                update(User)
                .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step),
                execution_options={"synchronize_session": False},
            ),
        )
        if spent.rowcount != 1:
            return None
        user.totp_last_step = step  # what the UPDATE wrote; keeps the loaded object in step without a query
        return "totp"
    normal = _normal_recovery(code)
    if len(normal) != _RECOVERY_LENGTH:
        return None
    spent = cast(
        CursorResult,
        session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.used_at.is_(None),
                RecoveryCode.code_hash == hash_recovery_code(normal),
            )
            .values(used_at=utcnow()),
            execution_options={"synchronize_session": False},
        ),
    )
    return "recovery" if spent.rowcount == 1 else None


def clear_mfa(session: DbSession, user: User) -> None:
    """Remove the user's second factor and recovery codes (they enrol again). Not committed."""
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
