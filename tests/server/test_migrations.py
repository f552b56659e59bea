"""Alembic migrations build exactly the schema the models declare, and can be undone."""

from __future__ import annotations

import logging

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server.extensions import db


def _differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_the_migrations_leave_no_difference_from_the_models(app):
    assert _differences() == []


def test_downgrading_to_base_and_upgrading_again_restores_every_table(app):
    downgrade(revision="base")
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    db.engine.dispose()
    assert _differences() == []


def test_running_the_migrations_leaves_the_applications_loggers_working(app):
    logger = logging.getLogger("server.example_before_migrations")
    downgrade(revision="0008")
    upgrade()
    db.engine.dispose()
    assert not logger.disabled
