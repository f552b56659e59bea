"""Stable shopper pseudonyms: a random number given to every user once, when the account is inserted.

Random, not derived from anything: the number says nothing about when the account was made (unlike
the user id), cannot be recomputed from the id without a key (unlike an HMAC), and does not change
when the secret key is rotated or the database is restored elsewhere. Short (up to four digits) while
the organisation is small; unique, so two shoppers never share one.
"""

from __future__ import annotations

import secrets

from sqlalchemy import text
from sqlalchemy.engine import Connection

RANGES = (9_999, 999_999, 2**31 - 1)
"""Numbers are drawn from 1..9999 first; only an organisation that has used up most of them gets longer ones."""

DRAWS_PER_RANGE = 32
_DRAWN = "_fieldaudit_pseudonyms"


def _taken(connection: Connection, number: int) -> bool:
    return connection.scalar(text("SELECT 1 FROM users WHERE pseudonym = :n"), {"n": number}) is not None


def new_pseudonym(context) -> int:
    """Column default of users.pseudonym: a random number no other user holds (nor one inserted alongside)."""
    drawn: set[int] = context.__dict__.setdefault(_DRAWN, set())  # rows of one multi-row INSERT
    for highest in RANGES:
        for _ in range(DRAWS_PER_RANGE):
            number = secrets.randbelow(highest) + 1
            if number not in drawn and not _taken(context.connection, number):
                drawn.add(number)
                return number
    raise RuntimeError("no free shopper pseudonym found")
