"""What users do to their own account: passwords, sessions, phone sign-ins, second factor; all logged."""

from __future__ import annotations

from server.extensions import DbSession
from server.models import ApiToken, User, WebSession
from server.permissions import MAX_INT_ID
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.mfa import MfaError, clear_mfa, confirm_enrolment, mfa_required, replace_recovery_codes
from server.services.accounts.tokens import TokenNotFound, revoke_token, revoke_user_tokens
from server.services.accounts.users import AccountError, PasswordChange, password_matches, set_password
from server.services.accounts.web_sessions import end_user_sessions


def _matching(password: str, confirm: str) -> None:
    if password != confirm:
        raise AccountError("confirm", "The two new passwords differ.")


def choose_new_password(
    session: DbSession, user: User, password: str, confirm: str, client: Client, *, keep: WebSession
) -> PasswordChange:
    """Replace a temporary password at sign-in; ends the user's other sessions and tokens. Not committed."""
    return _replace_password(session, user, password, confirm, client, keep, "replaced a temporary password")


def change_own_password(
    session: DbSession,
    user: User,
    current: str,
    password: str,
    confirm: str,
    client: Client,
    *,
    keep: WebSession | None,
) -> PasswordChange:
    """The account page's password change: the current password is required. Not committed."""
    if not password_matches(user, current):
        raise AccountError("current", "Your current password is not right.")
    return _replace_password(session, user, password, confirm, client, keep, "changed their password")


def _replace_password(
    session: DbSession, user: User, password: str, confirm: str, client: Client, keep: WebSession | None, what: str
) -> PasswordChange:
    """Set the user's own new password (typed twice), log `what` they did with its effects."""
    _matching(password, confirm)
    change = set_password(session, user, password, keep=keep)
    log_auth_event(session, "password_changed", client, user=user, summary=f"{user.email} {what}; {change.describe()}")
    return change


def sign_out_everywhere(session: DbSession, user: User, client: Client) -> PasswordChange:
    """End every web session of the user (this one too) and revoke their phone sign-ins. Not committed."""
    ended = PasswordChange(revoke_user_tokens(session, user), end_user_sessions(session, user, "signed_out_everywhere"))
    log_auth_event(
        session, "sessions_ended", client, user=user, summary=f"{user.email} signed out everywhere; {ended.describe()}"
    )
    return ended


def revoke_own_token(session: DbSession, user: User, token_id: int, client: Client):
    """Revoke one of the user's own phone sign-ins; TokenNotFound for anyone else's. Not committed."""
    token = session.get(ApiToken, token_id) if 0 < token_id <= MAX_INT_ID else None
    if token is None or token.user_id != user.id:  # even an admin's account page shows only their own
        raise TokenNotFound(token_id)
    was_working = token.revoked_at is None
    revoke_token(session, user, token_id)
    if not was_working:
        return token
    log_auth_event(
        session,
        "token_revoked",
        client,
        user=user,
        summary=f"{user.email} revoked token {token.prefix}… ({token.name})",
    )
    return token


def enrol_second_factor(
    session: DbSession, user: User, code: str, client: Client, password: str | None = None
) -> list[str]:
    """Confirm the pending authenticator with its first code; returns the new recovery codes. Not committed.

    Replacing a working authenticator (a new phone) also needs the password, so a borrowed
    session cannot move the second factor to someone else's phone.
    """
    if user.mfa_enabled and not password_matches(user, password):
        raise MfaError("password", "Your password is not right.")
    codes = confirm_enrolment(session, user, code)
    log_auth_event(
        session,
        "mfa_enrolled",
        client,
        user=user,
        summary=f"{user.email} set up an authenticator app and got {len(codes)} recovery codes",
    )
    return codes


def new_recovery_codes(session: DbSession, user: User, password: str, client: Client) -> list[str]:
    """Replace the recovery codes (the old ones stop working); needs the password. Not committed."""
    if not user.mfa_enabled:
        raise MfaError("password", "Set up an authenticator app first.")
    if not password_matches(user, password):
        raise MfaError("password", "Your password is not right.")
    codes = replace_recovery_codes(session, user)
    log_auth_event(
        session,
        "recovery_codes_replaced",
        client,
        user=user,
        summary=f"{user.email} made {len(codes)} new recovery codes",
    )
    return codes


def turn_off_second_factor(session: DbSession, user: User, password: str, client: Client) -> None:
    """A manager or shopper stops using a second factor (admins cannot); needs the password. Not committed."""
    if mfa_required(user):
        raise MfaError("password", "Admins must keep a second factor. Set up a new authenticator instead.")
    if not password_matches(user, password):
        raise MfaError("password", "Your password is not right.")
    clear_mfa(session, user)
    log_auth_event(session, "mfa_disabled", client, user=user, summary=f"{user.email} turned off their second factor")
