"""Migrations keep what a real install holds: every upgrade and downgrade runs on a database full of rows,
with SQLite's foreign keys enforced (a table rebuild of `users` would be refused there, or cascade)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db
from server.services.accounts.tokens import issue_token

COUNTED = (
    "users",
    "regions",
    "branches",
    "manager_regions",
    "api_tokens",
    "templates",
    "template_versions",
    "assignments",
    "activity_log",
)


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COUNTED}


def _fill(session, make) -> None:
    region = make.region()
    make.user("manager", regions=[region])
    shopper = make.user("shopper")
    make.user("admin")
    make.assignment(shopper=shopper, branch=make.branch(region))
    issue_token(session, shopper, "Phone")
    session.execute(
        text(
            "INSERT INTO activity_log (actor_id, created_at, action, object_type, object_id, summary) "
            "VALUES (:u, CURRENT_TIMESTAMP, 'test', 'user', '1', 'kept')"
        ),
        {"u": shopper.id},
    )
    session.commit()


@pytest.mark.parametrize("back_to", ["0005", "0004"])
def test_downgrading_and_upgrading_a_database_full_of_rows_keeps_every_row(app, session, make, back_to):
    _fill(session, make)
    before = _counts()
    db.session.remove()
    downgrade(revision=back_to)
    db.engine.dispose()
    assert _counts() == before
    upgrade()
    db.engine.dispose()
    assert _counts() == before
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
