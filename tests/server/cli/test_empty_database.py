"""Every `fieldaudit` command that needs the schema, run on a database never migrated, says to run
`fieldaudit init-db` (exit 1, one line, no traceback); init-db then makes the same command work."""

from __future__ import annotations

import os
import secrets

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.cli.console import cli
from server.schema_state import NO_SCHEMA
from tests.conftest import DATABASES
from tests.factories import SMALL_CHECKLIST


@pytest.fixture(params=DATABASES)
def empty_database_url(request, tmp_path):
    """A database with no table at all: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    from server.config import normalise_database_url

    base = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    schema = f"fa_empty_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def fieldaudit(empty_database_url, tmp_path, monkeypatch):
    """Invoke the `fieldaudit` group in-process on the empty database."""
    monkeypatch.setenv("FIELDAUDIT_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FIELDAUDIT_PHOTO_STORAGE_PATH", str(tmp_path / "photos"))
    monkeypatch.setenv("FIELDAUDIT_SECRET_KEY", "empty-database-tests")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")
    return lambda *args, **kw: CliRunner().invoke(cli, list(args), **kw)


def checklist_file(tmp_path) -> str:
    import json

    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL_CHECKLIST), encoding="utf-8")
    return str(path)


COMMANDS = [
    ["create-user", "--email", "a@example.org", "--name", "A", "--role", "admin", "--password", "a long password!"],
    ["load-demo"],
    ["template", "list"],
    ["template", "import", "{checklist}"],
    ["template", "export", "1"],
    ["template", "publish", "1"],
    ["reports", "render", "--all", "--out", "{tmp}/out"],
    ["remove-demo-accounts"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_command_on_a_database_without_schema_says_to_run_init_db(fieldaudit, tmp_path, args):
    args = [a.format(checklist=checklist_file(tmp_path), tmp=tmp_path) for a in args]
    result = fieldaudit(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip() and not line.startswith("Rendering")]
    assert lines == [f"Error: {NO_SCHEMA}"]
    assert NO_SCHEMA == "The database has no schema yet: run `fieldaudit init-db`"


def test_after_init_db_the_same_command_works(fieldaudit):
    assert fieldaudit("template", "list").exit_code == 1
    assert fieldaudit("init-db").exit_code == 0
    listed = fieldaudit("template", "list")
    assert listed.exit_code == 0 and "No templates yet" in listed.output


def test_a_schema_older_than_the_code_is_named_with_its_revision(fieldaudit, empty_database_url):
    assert fieldaudit("db", "upgrade", "0004").exit_code == 0
    result = fieldaudit(
        "create-user", "--email", "a@example.org", "--name", "A", "--role", "admin", "--password", "a long password!"
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "The database schema is at revision 0004" in result.output and "run `fieldaudit init-db`" in result.output


def test_an_unreachable_database_is_one_line_too(fieldaudit, monkeypatch):
    from tests.reliability.server_process import free_port

    monkeypatch.setenv("FIELDAUDIT_DATABASE_URL", f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    result = fieldaudit("template", "list")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: The database cannot be reached:")
