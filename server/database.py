"""Engine-level settings and the schema upgrade used by the run command and the tests."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.extensions import db


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and a wait instead of 'database is locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach the SQLite pragmas to this app's engine (PostgreSQL needs none)."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def upgrade_schema() -> None:
    """Bring the database to the newest Alembic revision (inside an app context)."""
    from flask_migrate import upgrade

    upgrade()
