"""`fieldaudit init-db / create-user / load-demo` and the run command's preparation: thin commands, clear messages,
no tracebacks. The run command itself runs as a real process in test_run_command.py."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import server.demo.loader as demo_loader
from server.cli.console import cli
from server.cli.run import prepare_database, startup_lines
from server.demo import DEMO_PASSWORD
from server.models import Role, User
from server.services.accounts.users import authenticate

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
    result = runner.invoke(
        args=["create-user", "--email", "Ada@Example.org", "--name", "Ada", "--role", "admin", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ada@example.org" in result.output
    assert "The password is temporary" in result.output and "authenticator app" in result.output
    assert authenticate(session, "ada@example.org", PASSWORD).must_change_password
    assert authenticate(session, "ada@example.org", PASSWORD).role is Role.ADMIN


def test_create_user_reads_the_password_from_stdin_or_a_prompt(runner, session, make):
    region = make.region(code="LON")
    piped = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.org",
            "--name",
            "Manager",
            "--role",
            "manager",
            "--region",
            "lon",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    prompted = runner.invoke(
        args=["create-user", "--email", "s@example.org", "--name", "Shopper", "--role", "shopper"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert (piped.exit_code, prompted.exit_code) == (0, 0), piped.output + prompted.output
    manager = authenticate(session, "m@example.org", PASSWORD)
    assert manager.regions == [region]
    assert authenticate(session, "s@example.org", PASSWORD) is not None
    assert PASSWORD not in prompted.output


@pytest.mark.parametrize(
    "args, exit_code, message",
    [
        (["--email", "not-an-email", "--name", "X", "--role", "admin", "--password", PASSWORD], 1, "email:"),
        (
            ["--email", "x@example.org", "--name", "X", "--role", "admin", "--password", "short"],
            1,
            "password: Password must be at least",
        ),
        (
            [
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "manager",
                "--region",
                "NOPE",
                "--password",
                PASSWORD,
            ],
            1,
            "region: no region with code 'NOPE'",
        ),
        (
            ["--email", "x@example.org", "--name", "X", "--role", "shopper", "--region", "R1", "--password", PASSWORD],
            1,
            "regions: Only managers",
        ),
        (["--email", "x@example.org", "--name", "X", "--role", "boss", "--password", PASSWORD], 2, "boss"),
        (
            ["--email", "x@example.org", "--name", "X", "--role", "admin", "--password", PASSWORD, "--password-stdin"],
            2,
            "not both",
        ),
        (["--name", "X", "--role", "admin", "--password", PASSWORD], 2, "--email"),
    ],
)
def test_create_user_explains_bad_input(runner, session, make, args, exit_code, message):
    make.region(code="R1")
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code == exit_code
    assert message in result.output and "Traceback" not in result.output
    assert session.scalar(select(User)) is None


def test_create_user_refuses_a_second_account_with_the_same_email(runner, make):
    make.user("admin", email="taken@example.org")
    result = runner.invoke(
        args=["create-user", "--email", "TAKEN@example.org", "--name", "Y", "--role", "admin", "--password", PASSWORD]
    )
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


def test_run_preparation_loads_the_demo_only_when_asked_and_lists_the_url_and_log_ins(app, session, short_demo):
    prepared = prepare_database(app, demo=True)
    lines = startup_lines(prepared, "0.0.0.0", 8080)
    text = "\n".join(lines)
    assert prepared.loaded.startswith("3 regions, 36 branches")
    assert lines[0] == "Fieldaudit is running at http://localhost:8080/"
    assert f"password for all: {DEMO_PASSWORD}" in text
    for email, role in [
        ("admin@demo.fieldaudit.org", "admin"),
        ("manager.london@demo.fieldaudit.org", "manager"),
        ("lucia.garcia@demo.fieldaudit.org", "shopper"),
    ]:
        assert any(email in line and role in line for line in lines)
    again = prepare_database(app, demo=True)  # a second start keeps the data and still shows the log-ins
    assert again.loaded is None and any("admin@demo.fieldaudit.org" in line for line in startup_lines(again, "::1", 1))
    without = startup_lines(prepare_database(app, demo=False), "127.0.0.1", 5000)  # no --demo: no log-ins, a warning
    assert not any(DEMO_PASSWORD in line for line in without)
    assert any("10 demo accounts" in line and "fieldaudit remove-demo-accounts" in line for line in without)


def test_run_preparation_without_demo_leaves_the_database_empty(app, session):
    lines = startup_lines(prepare_database(app, demo=False), "127.0.0.1", 5000)
    assert lines == ["Fieldaudit is running at http://127.0.0.1:5000/", "Press Ctrl+C to stop."]
    assert session.scalar(select(User)) is None


def test_run_preparation_leaves_no_application_context_behind(app):
    from flask import globals as flask_globals

    outer = flask_globals._cv_app.get()
    prepare_database(app, demo=False)
    assert flask_globals._cv_app.get() is outer  # only the test's own context is left


def test_the_fieldaudit_script_is_a_flask_group_with_migrate_and_our_commands(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FIELDAUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("FIELDAUDIT_PHOTO_STORAGE_PATH", str(tmp_path / "photos"))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; restored after the test
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("fieldaudit ")
    listing = runner.invoke(cli, ["--help"])
    for name in ("run", "init-db", "create-user", "load-demo", "template", "db", "remove-demo-accounts"):
        assert f"  {name} " in listing.output
    templates = runner.invoke(cli, ["template", "list"])
    assert templates.exit_code == 0 and "No templates yet" in templates.output
