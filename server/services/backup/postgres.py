"""PostgreSQL's own tools for backups: `pg_dump --format=custom` of one schema at an exported snapshot, `pg_restore`.

The connection settings go to the tools as libpq environment variables (PGHOST, PGPASSWORD, PGOPTIONS...), never on
the command line, where other users of the machine could read them; what the tools print is masked before it is
shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Connection

from server.services.backup.manifest import BackupRefused

PG_DUMP, PG_RESTORE = "pg_dump", "pg_restore"
TOOL_TIMEOUT_SECONDS = 6 * 3600
"""The longest a dump or a restore may run before it is stopped."""
_QUERY_VARIABLES = {
    "host": "PGHOST",
    "port": "PGPORT",
    "options": "PGOPTIONS",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
"""Query parameters of a database URL and the libpq variable that carries each to the tools."""


def libpq_environment(url: URL) -> dict[str, str]:
    """The environment that makes pg_dump / pg_restore connect where the app does (password included, never argv)."""
    env = dict(os.environ)  # psycopg reads the same libpq variables (PGSSLROOTCERT, PGPASSFILE...): the URL wins
    parts = (url.host, url.port, url.username, url.password, url.database)
    for part, variable in zip(parts, ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"), strict=True):
        if part is not None:
            env[variable] = str(part)
    for name, given in url.query.items():
        if name not in _QUERY_VARIABLES:
            raise BackupRefused("FIELDAUDIT_DATABASE_URL", f"the URL option {name!r} cannot be passed to {PG_DUMP}.")
        env[_QUERY_VARIABLES[name]] = given if isinstance(given, str) else given[-1]
    return env


def masked(text: str, url: URL) -> str:
    """`text` with the URL's password (if any) replaced by ***."""
    password = url.password
    return text.replace(str(password), "***") if password else text


def current_schema(connection: Connection) -> str:
    """The schema unqualified names resolve to: where Fieldaudit's tables live (the URL's search_path, or public)."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    if schema:
        return str(schema)
    path = str(connection.exec_driver_sql("SHOW search_path").scalar() or "")
    for item in (part.strip().strip('"') for part in path.split(",")):
        if item and item != "$user":
            return item
    return "public"


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        raise BackupRefused("database", f"{name} is not installed (the PostgreSQL client tools are needed).")
    return found


def _run(command: list[str], url: URL) -> None:
    try:
        done = subprocess.run(
            command, env=libpq_environment(url), capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise BackupRefused(
            "database", f"{Path(command[0]).name} did not finish within {TOOL_TIMEOUT_SECONDS} s."
        ) from None
    if done.returncode != 0:
        lines = [line for line in masked(done.stderr, url).splitlines() if line.strip()][-5:]
        raise BackupRefused("database", f"{Path(command[0]).name} failed: {' / '.join(lines) or done.returncode}")


def _schema_pattern(schema: str) -> str:
    """The schema as a pg_dump pattern matching only itself (quoted, so case and dots are literal)."""
    return '"' + schema.replace('"', '""') + '"'


def dump_schema(url: URL, schema: str, snapshot: str, target: Path) -> None:
    """`pg_dump --format=custom` of `schema` as the exported `snapshot` sees it (the caller keeps it open)."""
    _run(
        [
            _tool(PG_DUMP),
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--schema={_schema_pattern(schema)}",
            f"--file={target}",
        ],
        url,
    )


def restore_dump(url: URL, dump: Path) -> None:
    """`pg_restore` the dump in one transaction: its schema's objects dropped if they exist, no owners or grants."""
    if not url.database:
        raise BackupRefused("FIELDAUDIT_DATABASE_URL", "names no database to restore into.")
    _run(
        [
            _tool(PG_RESTORE),
            "--no-password",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
            str(dump),
        ],
        url,
    )
