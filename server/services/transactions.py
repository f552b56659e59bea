"""One owner per transaction: services only flush; the edge (a request, a CLI command) commits once in `atomic`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.extensions import DbSession

_DEPTH = "fieldaudit.atomic_depth"


@contextmanager
def atomic(session: DbSession) -> Iterator[None]:
    """Commit when the outermost block ends; any exception, at any depth, rolls the whole transaction back.

    Blocks nest: an inner block joins the outer one's transaction and commits nothing itself, so a use case
    that calls another use case stays one transaction. After an exception the session is clean again.
    """
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
    except BaseException:
        session.info[_DEPTH] = depth
        session.rollback()
        raise
    session.info[_DEPTH] = depth
    if depth == 0:
        session.commit()


def in_atomic(session: DbSession) -> bool:
    """True inside an `atomic` block (a service that must own its own transactions can refuse to run there)."""
    return session.info.get(_DEPTH, 0) > 0
