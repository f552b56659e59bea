"""Creating users, checking passwords, and ending a user's access."""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import ApiToken, Region, Role, User
from ..models.accounts import new_session_nonce
from ..models.types import utcnow

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
# A valid hash to compare against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


class AccountError(ValueError):
    """A request about an account that cannot be carried out; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def hash_password(password: str) -> str:
    """scrypt (Werkzeug's default); the cost can be lowered only through config, for tests."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > 1024:
        raise AccountError("password", "Password must be at most 1024 characters long.")


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


def find_user_by_email(session: Session, email: str) -> User | None:
    """Look up a user by email, ignoring case."""
    if not _storable(email):
        return None
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str | Role,
    password: str,
    regions: Iterable[Region] = (),
) -> User:
    """Create an active user; managers may be given the regions they follow."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise AccountError("name", "Name must be 1 to 120 characters long.")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError("role", f"Role must be one of {', '.join(r.value for r in Role)}; got {role!r}.") from None
    check_password_strength(password)
    if find_user_by_email(session, email):
        raise AccountError("email", f"A user with email {email} already exists.")
    regions = list(regions)
    if regions and role is not Role.MANAGER:
        raise AccountError("regions", "Only managers are linked to regions.")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password), regions=regions)
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same cost either way)."""
    user = find_user_by_email(session, email or "")
    if user is None or not _storable(password or ""):
        check_password_hash(_DUMMY_HASH, "not a real password")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change a password and sign the user out of every web session."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_nonce = new_session_nonce()
    session.commit()


def deactivate_user(session: Session, user: User) -> None:
    """Block a user: ends their web sessions and revokes every API token they hold."""
    now = utcnow()
    user.active = False
    user.session_nonce = new_session_nonce()
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    session.commit()


def reactivate_user(session: Session, user: User) -> None:
    """Let a deactivated user sign in again (old tokens stay revoked)."""
    user.active = True
    session.commit()
