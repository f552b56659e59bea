"""Creating users, checking and changing passwords, and ending a user's access."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import DbSession
from server.models import PasswordToken, Region, Role, User, WebSession
from server.models.types import utcnow
from server.services.accounts.passwords import PasswordRejected, check_new_password
from server.services.accounts.tokens import revoke_user_tokens
from server.services.accounts.web_sessions import end_user_sessions
from server.services.errors import ServiceError

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# A valid hash to compare against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")
NO_PASSWORD = "!invited"
"""The password hash of a user invited by e-mail who has not chosen a password yet: no password matches it."""


class AccountError(ServiceError):
    """A request about an account that cannot be carried out; `field` names the input at fault."""


def hash_password(password: str) -> str:
    """scrypt (Werkzeug's default); the cost can be lowered only through config, for tests."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def check_password_strength(password: str, email: str = "", field: str = "password") -> None:
    """The password rule of services.passwords, as an AccountError naming the form field."""
    try:
        check_new_password(password, email)
    except PasswordRejected as exc:
        raise AccountError(field, exc.message) from None


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; we store them lower-cased and trimmed."""
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AccountError("email", f"{email!r} is not a valid email address.")
    return email


def _storable(text: str) -> bool:
    """False for text no database column or hash can take (NUL, lone surrogates): such input matches nobody."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def find_user_by_email(session: DbSession, email: str) -> User | None:
    """Look up a user by email, ignoring case."""
    if not _storable(email):
        return None
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: DbSession,
    *,
    email: str,
    name: str,
    role: str | Role,
    password: str | None,
    regions: Iterable[Region] = (),
    temporary: bool = True,
) -> User:
    """Create an active user (flushed, so it has its id); managers may be given the regions they follow.

    The password was chosen by someone else (an admin, the CLI), so by default it is temporary:
    the user must choose their own at first sign-in. None: invited by e-mail, no password until they choose one.
    """
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise AccountError("name", "Name must be 1 to 120 characters long.")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError("role", f"Role must be one of {', '.join(r.value for r in Role)}; got {role!r}.") from None
    if password is not None:
        check_password_strength(password, email)
    if find_user_by_email(session, email):
        raise AccountError("email", f"A user with email {email} already exists.")
    regions = list(regions)
    if regions and role is not Role.MANAGER:
        raise AccountError("regions", "Only managers are linked to regions.")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password) if password is not None else NO_PASSWORD,
        regions=regions,
        must_change_password=temporary and password is not None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same cost either way). Changes nothing."""
    user = find_user_by_email(session, email or "")
    if user is None or not _storable(password or ""):
        check_password_hash(_DUMMY_HASH, "not a real password")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def password_matches(user: User, password: object) -> bool:
    """Whether `password` is the user's current password."""
    return isinstance(password, str) and _storable(password) and check_password_hash(user.password_hash, password)


@dataclass(frozen=True)
class PasswordChange:
    """What a password change ended besides the old password, so the message to the user can be true."""

    tokens_revoked: int
    sessions_ended: int

    def describe(self) -> str:
        """'2 phone sign-ins revoked and 1 other web session ended', or 'nothing else was signed in'."""
        parts = []
        if self.tokens_revoked:
            parts.append(f"{self.tokens_revoked} phone sign-in{'s' if self.tokens_revoked != 1 else ''} revoked")
        if self.sessions_ended:
            parts.append(f"{self.sessions_ended} web session{'s' if self.sessions_ended != 1 else ''} ended")
        return " and ".join(parts) if parts else "no other sign-ins were open"


def set_password(
    session: DbSession, user: User, password: str, *, temporary: bool = False, keep: WebSession | None = None
) -> PasswordChange:
    """Change a password; revokes every API token and ends every web session but `keep`. Not committed.

    `temporary` (an admin or the CLI chose it) makes the user choose their own at next sign-in.
    """
    check_password_strength(password, user.email)
    if password_matches(user, password):
        raise AccountError("password", "Choose a password different from the current one.")
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    spend_password_links(session, user)
    return PasswordChange(
        revoke_user_tokens(session, user), end_user_sessions(session, user, "password_changed", keep=keep)
    )


def spend_password_links(session: DbSession, user: User, purpose: object | None = None) -> None:
    """Make the user's unused invitation and reset links (or those of one purpose) stop working. Not committed."""
    query = update(PasswordToken).where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(PasswordToken.purpose == purpose)
    session.execute(query.values(used_at=utcnow()).execution_options(synchronize_session=False))


def has_password(user: User) -> bool:
    """False for a user invited by e-mail who has not joined yet."""
    return user.password_hash != NO_PASSWORD


def deactivate_user(session: DbSession, user: User) -> None:
    """Block a user: ends their web sessions and revokes every API token they hold. Not committed."""
    user.active = False
    spend_password_links(session, user)
    end_user_sessions(session, user, "deactivated")
    revoke_user_tokens(session, user)


def reactivate_user(session: DbSession, user: User) -> None:
    """Let a deactivated user sign in again (old tokens stay revoked). Not committed."""
    user.active = True
