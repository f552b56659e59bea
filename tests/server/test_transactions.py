"""atomic(): the outermost block commits, any exception rolls back, nested blocks join one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Region
from server.services.transactions import atomic, in_atomic


def _regions() -> int:
    return db.session.scalar(select(func.count()).select_from(Region))


def test_the_outermost_block_commits_what_was_added(app):
    with app.app_context():
        with atomic(db.session):
            db.session.add(Region(code="N", name="North"))
        db.session.remove()
        assert _regions() == 1


def test_an_inner_block_commits_nothing_until_the_outer_one_ends(app):
    with app.app_context():
        with pytest.raises(LookupError), atomic(db.session):
            with atomic(db.session):
                db.session.add(Region(code="N", name="North"))
            assert in_atomic(db.session) and db.session.new  # still pending: the inner block did not commit
            raise LookupError("the outer block fails after the inner one ended")
        assert _regions() == 0


def test_an_exception_rolls_the_whole_transaction_back_and_propagates(app):
    with app.app_context():
        with pytest.raises(RuntimeError), atomic(db.session):
            db.session.add(Region(code="N", name="North"))
            db.session.flush()
            with atomic(db.session):
                raise RuntimeError("boom")
        assert not in_atomic(db.session)
        assert _regions() == 0
