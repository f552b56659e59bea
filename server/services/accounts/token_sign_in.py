"""The phone's sign-in (POST /api/v1/auth/tokens): the web's steps in one request, ending in a bearer token.

A user with a second factor sends its code in `otp` (an authenticator code or a recovery code);
admins always have one, so a token never bypasses it. A temporary password or an admin's missing
enrolment is finished on the web first: a token cannot choose a password or show a QR code.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from server.extensions import DbSession
from server.models import ApiToken, User
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.mfa import mfa_required
from server.services.accounts.sign_in import check_code, check_password, record_sign_in
from server.services.accounts.tokens import issue_token
from server.services.errors import ServiceError

WRONG_CREDENTIALS = "Email or password is incorrect."


class TokenRefused(ServiceError):
    """Why no token was issued: an HTTP status, a machine-readable reason and a sentence for people."""

    def __init__(self, status: int, reason: str, message: str, retry_after: int | None = None):
        super().__init__(None, message, status=status)
        self.reason, self.retry_after = reason, retry_after


def _too_many(wait: int) -> TokenRefused:
    minutes = max(1, -(-wait // 60))
    return TokenRefused(
        429, "throttled", f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}.", wait
    )


@dataclass(frozen=True)
class IssuedSignIn:
    """A token issued to a user: the row and the plaintext (shown once)."""

    user: User
    token: ApiToken
    plaintext: str


def sign_in_for_token(
    session: DbSession,
    *,
    email: str,
    password: str,
    device_name: str,
    otp: str | None,
    client: Client,
    device_user_ids: Collection[int] = (),
) -> IssuedSignIn:
    """Check password (and second factor), then issue a token and log it; raises TokenRefused.

    Not committed on success (the edge commits); a refused password or code was counted and committed already."""
    step = check_password(session, email, password, client, device_user_ids)
    if step.retry_after is not None:  # throttled
        raise _too_many(step.retry_after)
    if step.user is None:
        raise TokenRefused(401, "wrong_credentials", WRONG_CREDENTIALS)
    user = step.user
    if user.must_change_password:
        raise TokenRefused(
            403,
            "password_change_required",
            "Your password is temporary. Sign in on the website once to choose your own, then sign in here with it.",
        )
    if mfa_required(user) and not user.mfa_enabled:
        raise TokenRefused(
            403,
            "mfa_enrolment_required",
            "Your role needs a second factor. Sign in on the website once to set up an "
            "authenticator app, then sign in here with a code.",
        )
    how = "password"
    if user.mfa_enabled:
        if not otp:
            raise TokenRefused(
                401,
                "otp_required",
                "Enter the 6-digit code from your authenticator app (or a recovery code) in the field 'otp'.",
            )
        code_step = check_code(session, user, otp, client, device_user_ids)
        if code_step.retry_after is not None:  # throttled
            raise _too_many(code_step.retry_after)
        if code_step.user is None:
            raise TokenRefused(
                401, "otp_invalid", "That code is not right, or was used already. Wait for the next code and try again."
            )
        how = "password and " + ("a recovery code" if code_step.method == "recovery" else "an authenticator code")
    token, plaintext = issue_token(session, user, device_name)
    log_auth_event(
        session,
        "token_issued",
        client,
        user=user,
        summary=f"Token {token.prefix}… issued to {user.email} for {token.name} ({how})",
    )
    record_sign_in(session, user, client, how=f"the phone {token.name!r}")
    return IssuedSignIn(user, token, plaintext)
