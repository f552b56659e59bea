"""Signing in, step by step, for the web form and the phone's token endpoint alike.

Password step (throttled, failures counted and logged), then the second factor if the user has
one, then a new password if theirs is temporary, then enrolment if their role requires a second
factor. Only after the last step is the user signed in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from server.extensions import DbSession
from server.models import SessionStage, User
from server.models.types import utcnow
from server.services.accounts.auth_log import Client, log_auth_event, normal_email, signed_in_recently_from
from server.services.accounts.mfa import mfa_required, verify_second_factor
from server.services.accounts.sign_in_throttle import record_failure, record_success, retry_after
from server.services.accounts.users import authenticate, find_user_by_email

METHODS = {"totp": "an authenticator code", "recovery": "a recovery code"}


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step: the user when it passed, else "wrong" or "throttled" (with seconds to wait).

    `retry_after` is set exactly when the problem is "throttled"."""

    user: User | None = None
    problem: str | None = None
    retry_after: int | None = None
    method: str | None = None


def email_lock_lifted(
    session: DbSession, user: User | None, client: Client, device_user_ids: Collection[int] = ()
) -> bool:
    """The owner's known device (a signed cookie from an earlier sign-in) or usual network skips the per-email lock.

    So failures by someone else against an email cannot lock its owner out; the tight
    per-(email, address) lock still applies to everyone.
    """
    if user is None:
        return False
    return user.id in device_user_ids or signed_in_recently_from(session, user, client.ip)


def _throttled(
    session: DbSession, email: str, user: User | None, client: Client, device_user_ids: Collection[int]
) -> int | None:
    lifted = email_lock_lifted(session, user, client, device_user_ids)
    return retry_after(session, email, client.ip, email_lock_applies=not lifted)


def _count_failure(
    session: DbSession, action: str, email: str, user: User | None, client: Client, summary: str
) -> None:
    """Count and log one failure (and the lockout it starts, if it does); commits at once, on purpose."""
    locked_until = record_failure(session, email, client.ip)
    log_auth_event(session, action, client, user=user, email=email, summary=summary, actor=None)
    if locked_until is not None:
        log_auth_event(
            session,
            "sign_in_locked",
            client,
            user=user,
            email=email,
            actor=None,
            summary=f"Further sign-ins for {email} locked until {locked_until:%Y-%m-%d %H:%M:%S} UTC",
        )
    session.commit()  # deliberate: a refused sign-in counts and is logged even though the request then fails


def check_password(
    session: DbSession, email: object, password: object, client: Client, device_user_ids: Collection[int] = ()
) -> StepResult:
    """The password step: throttled first, then checked; a failure is counted and logged (committed here)."""
    email = normal_email(email)
    known = find_user_by_email(session, email)
    wait = _throttled(session, email, known, client, device_user_ids)
    if wait is not None:
        return StepResult(problem="throttled", retry_after=wait)
    user = authenticate(session, email, password if isinstance(password, str) else "")
    if user is None:
        why = "deactivated account" if known is not None and not known.active else "wrong email or password"
        _count_failure(session, "sign_in_failed", email, known, client, f"Sign-in refused for {email}: {why}")
        return StepResult(problem="wrong")
    return StepResult(user=user)


def check_code(
    session: DbSession, user: User, code: object, client: Client, device_user_ids: Collection[int] = ()
) -> StepResult:
    """The second-factor step: an authenticator code or a recovery code; throttled and counted like passwords.

    A failure is committed here (it must count); a success is not: the edge commits it with what follows."""
    wait = _throttled(session, user.email, user, client, device_user_ids)
    if wait is not None:
        return StepResult(problem="throttled", retry_after=wait)
    method = verify_second_factor(session, user, code)
    if method is None:
        _count_failure(
            session,
            "mfa_code_refused",
            user.email,
            user,
            client,
            f"Second factor refused for {user.email}: wrong, used or expired code",
        )
        return StepResult(problem="wrong")
    action = "mfa_code_used" if method == "totp" else "recovery_code_used"
    log_auth_event(
        session, action, client, user=user, summary=f"{user.email} passed the second factor with {METHODS[method]}"
    )
    return StepResult(user=user, method=method)


def next_stage(user: User, second_factor_done: bool) -> SessionStage:
    """Where a sign-in goes after the password (and, when done, the second factor)."""
    if user.mfa_enabled and not second_factor_done:
        return SessionStage.SECOND_FACTOR
    if user.must_change_password:
        return SessionStage.CHANGE_PASSWORD
    if mfa_required(user) and not user.mfa_enabled:
        return SessionStage.ENROL
    return SessionStage.ACTIVE


def record_sign_in(session: DbSession, user: User, client: Client, how: str = "the web") -> None:
    """The sign-in is complete: note the time, clear this address's failures, and log it.

    Only a complete sign-in clears the count: a right password followed by wrong codes keeps counting.
    The address then counts as the user's usual network. Not committed.
    """
    user.last_login_at = utcnow()
    record_success(session, user.email, client.ip)
    log_auth_event(session, "sign_in", client, user=user, summary=f"{user.email} signed in on {how}")
