"""The one password rule (NIST SP 800-63B): every path that sets a password asks `check_new_password`."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from server.services.errors import ServiceError

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Long enough for any passphrase; short enough that hashing a hostile input costs nothing special."""
MIN_CONTEXT_PART = 4
"""Parts of the email shorter than this are not checked: 'al' may appear in any good passphrase."""

_EMAIL_PARTS = re.compile(r"[._+\-]+")


class PasswordRejected(ServiceError):
    """A new password that breaks the rule; `message` says why in words for the person choosing it."""

    def __init__(self, message: str, field: str = "password"):
        super().__init__(field, message)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (services/data/common_passwords.txt), lower-cased; read once."""
    text = files("server.services.accounts").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _email_words(email: str) -> list[str]:
    email = (email or "").strip().lower()
    local = email.partition("@")[0]
    words = [email, local, *_EMAIL_PARTS.split(local)]
    return [word for word in words if len(word) >= MIN_CONTEXT_PART]


def check_new_password(password: object, email: str = "") -> None:
    """Raise PasswordRejected unless `password` may be chosen by the user with this email.

    12 to 256 characters; not blank; not one character repeated; not on the common-password list;
    not containing the email, its local part or a part of it (4+ letters). Case is ignored in
    the comparisons; spaces and any Unicode are allowed, as NIST asks.
    """
    if not isinstance(password, str) or not password.strip():
        raise PasswordRejected("Enter a password (spaces alone are not one).")
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"Password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Password must be at most {MAX_LENGTH} characters long.")
    lowered = password.lower()
    if len(set(lowered)) == 1:
        raise PasswordRejected("Password must not be one character repeated.")
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        raise PasswordRejected("This password is on a list of common passwords; choose a less predictable one.")
    if any(word in lowered for word in _email_words(email)):
        raise PasswordRejected("Password must not contain your email address or part of it.")
