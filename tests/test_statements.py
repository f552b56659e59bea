"""The statement counter counts what a block sends and nothing outside it."""

from __future__ import annotations

from sqlalchemy import text

from tests.statements import count_statements


def test_the_counter_sees_each_statement_inside_the_block_only(app, session):
    session.execute(text("SELECT 1"))
    with count_statements() as seen:
        session.execute(text("SELECT 2"))
        session.execute(text("SELECT 3"))
    session.execute(text("SELECT 4"))
    assert seen.count == 2, str(seen)
    assert "SELECT 3" in seen.sql[1]
