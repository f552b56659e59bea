"""Whether the database holds our schema at the newest revision: the CLI's advice when a table is missing."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

NO_SCHEMA = "The database has no schema yet: run `fieldaudit init-db`"
UNREACHABLE = "The database cannot be reached"


def schema_problem(app: Flask) -> str | None:
    """One line saying what to do when the database cannot be reached or its schema is missing or older than the
    code; None when it is current (the error was something else)."""
    from alembic.script import ScriptDirectory

    from server.extensions import db

    with app.app_context():
        try:
            connection = db.engine.connect()
        except DBAPIError as exc:
            db.engine.dispose()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()
            return f"{UNREACHABLE}: {reason[0] if reason else type(exc).__name__}"
        try:
            with connection:
                if not inspect(connection).has_table("alembic_version"):
                    return NO_SCHEMA
                current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            config = app.extensions["migrate"].migrate.get_config()
            heads = ScriptDirectory.from_config(config).get_heads()
        finally:
            db.engine.dispose()
    if not current:
        return NO_SCHEMA
    if set(current) != set(heads):
        return (
            f"The database schema is at revision {', '.join(sorted(current))}, this Fieldaudit needs "
            f"{', '.join(sorted(heads))}: run `fieldaudit init-db`"
        )
    return None
