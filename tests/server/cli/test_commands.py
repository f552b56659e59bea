"""`fieldaudit run / init-db / create-user / load-demo`: thin commands, clear messages, no tracebacks."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import server.cli as cli_module
import server.demo.loader as demo_loader
from server.cli import cli, prepare_run
from server.demo import DEMO_PASSWORD
from server.models import Role, User
from server.services.accounts import authenticate

PASSWORD = "a long enough password"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def short_demo(monkeypatch):
    """One month of demo visits instead of four: the full load is tested once, in tests/server/demo."""
    monkeypatch.setattr(demo_loader, "MONTHS", 1)


def test_init_db_brings_the_schema_up_to_date(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "Database is up to date." in result.output


def test_create_user_with_a_password_option(runner, session):
    result = runner.invoke(args=["create-user", "--email", "Ada@Example.org", "--name", "Ada", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Created admin ada@example.org" in result.output
    assert authenticate(session, "ada@example.org", PASSWORD).role is Role.ADMIN


def test_create_user_reads_the_password_from_stdin_or_a_prompt(runner, session, make):
    region = make.region(code="LON")
    piped = runner.invoke(args=["create-user", "--email", "m@example.org", "--name", "Manager", "--role", "manager",
                                "--region", "lon", "--password-stdin"], input=PASSWORD + "\n")
    prompted = runner.invoke(args=["create-user", "--email", "s@example.org", "--name", "Shopper",
                                   "--role", "shopper"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert (piped.exit_code, prompted.exit_code) == (0, 0), piped.output + prompted.output
    manager = authenticate(session, "m@example.org", PASSWORD)
    assert manager.regions == [region]
    assert authenticate(session, "s@example.org", PASSWORD) is not None
    assert PASSWORD not in prompted.output


@pytest.mark.parametrize("args, exit_code, message", [
    (["--email", "not-an-email", "--name", "X", "--role", "admin", "--password", PASSWORD], 1, "email:"),
    (["--email", "x@example.org", "--name", "X", "--role", "admin", "--password", "short"], 1,
     "password: Password must be at least"),
    (["--email", "x@example.org", "--name", "X", "--role", "manager", "--region", "NOPE", "--password", PASSWORD],
     1, "region: no region with code 'NOPE'"),
    (["--email", "x@example.org", "--name", "X", "--role", "shopper", "--region", "R1", "--password", PASSWORD],
     1, "regions: Only managers"),
    (["--email", "x@example.org", "--name", "X", "--role", "boss", "--password", PASSWORD], 2, "boss"),
    (["--email", "x@example.org", "--name", "X", "--role", "admin", "--password", PASSWORD, "--password-stdin"],
     2, "not both"),
    (["--name", "X", "--role", "admin", "--password", PASSWORD], 2, "--email"),
])
def test_create_user_explains_bad_input(runner, session, make, args, exit_code, message):
    make.region(code="R1")
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code == exit_code
    assert message in result.output and "Traceback" not in result.output
    assert session.scalar(select(User)) is None


def test_create_user_refuses_a_second_account_with_the_same_email(runner, make):
    make.user("admin", email="taken@example.org")
    result = runner.invoke(args=["create-user", "--email", "TAKEN@example.org", "--name", "Y", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 1 and "already exists" in result.output


def test_load_demo_loads_and_prints_the_log_ins(runner, short_demo):
    result = runner.invoke(args=["load-demo", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Loaded demo data: 3 regions, 36 branches, 10 users" in result.output
    assert "admin@demo.fieldaudit.org  admin" in result.output and DEMO_PASSWORD in result.output


def test_load_demo_refuses_a_database_with_data(runner, make):
    make.region()
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 1 and "only into an empty database" in result.output


def test_run_preparation_loads_the_demo_and_lists_the_url_and_log_ins(app, session, short_demo):
    lines = prepare_run(host="0.0.0.0", port=8080)
    text = "\n".join(lines)
    assert lines[0].startswith("Loaded demo data:")
    assert "Fieldaudit is running at http://localhost:8080/" in text
    assert f"password for all: {DEMO_PASSWORD}" in text
    for email, role in [("admin@demo.fieldaudit.org", "admin"), ("manager.london@demo.fieldaudit.org", "manager"),
                        ("lucia.garcia@demo.fieldaudit.org", "shopper")]:
        assert any(email in line and role in line for line in lines)
    again = prepare_run(host="127.0.0.1", port=5000)  # a second start keeps the data and still shows the log-ins
    assert not again[0].startswith("Loaded") and any("admin@demo.fieldaudit.org" in line for line in again)


def test_run_preparation_without_demo_leaves_the_database_empty(app, session):
    lines = prepare_run(host="127.0.0.1", port=5000, demo=False)
    assert lines == ["Fieldaudit is running at http://127.0.0.1:5000/"]
    assert session.scalar(select(User)) is None


def test_the_run_command_prints_then_serves(runner, monkeypatch):
    served = []
    monkeypatch.setattr(cli_module, "serve", lambda app, host, port, workers: served.append((host, port, workers)))
    result = runner.invoke(args=["run", "--no-demo", "--host", "127.0.0.1", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5099/" in result.output
    assert served == [("127.0.0.1", 5099, 1)]
    bad_port = runner.invoke(args=["run", "--port", "70000"])
    assert bad_port.exit_code == 2 and served == [("127.0.0.1", 5099, 1)]


def test_the_fieldaudit_script_is_a_flask_group_with_migrate_and_our_commands(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FIELDAUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("FIELDAUDIT_PHOTO_STORAGE_PATH", str(tmp_path / "photos"))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; restored after the test
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("fieldaudit ")
    listing = runner.invoke(cli, ["--help"])
    for name in ("run", "init-db", "create-user", "load-demo", "template", "db"):
        assert f"  {name} " in listing.output
    templates = runner.invoke(cli, ["template", "list"])
    assert templates.exit_code == 0 and "No templates yet" in templates.output


def test_serving_on_a_port_already_in_use_exits_with_a_message_not_a_traceback(app, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_info:
            cli_module.serve(app, "127.0.0.1", port, workers=1)
    assert exit_info.value.code == 1
    assert "in use" in capsys.readouterr().err
