"""pg_dump and pg_restore get the connection through libpq's environment: the password never on a command line
and never in what is printed; a URL option the tools cannot take is refused."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy.engine import make_url

from server.services.backup import postgres
from server.services.backup.manifest import BackupRefused

URL = make_url(
    "postgresql+psycopg://audit:s3cr%40t@db.example.org:5433/fieldaudit?options=-csearch_path%3Dtenant&sslmode=require"
)


def test_the_url_becomes_libpq_variables_over_those_the_app_also_sees(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "left over from the shell")
    monkeypatch.setenv("PGSSLROOTCERT", "/etc/ssl/db-ca.pem")
    env = postgres.libpq_environment(URL)
    assert {k: v for k, v in env.items() if k.startswith("PG")} == {
        "PGHOST": "db.example.org",
        "PGPORT": "5433",
        "PGUSER": "audit",
        "PGPASSWORD": "s3cr@t",
        "PGDATABASE": "fieldaudit",
        "PGOPTIONS": "-csearch_path=tenant",
        "PGSSLMODE": "require",
        "PGSSLROOTCERT": "/etc/ssl/db-ca.pem",
    }


def test_a_url_option_the_tools_cannot_take_is_refused():
    with pytest.raises(BackupRefused, match="'prepare_threshold' cannot be passed"):
        postgres.libpq_environment(make_url("postgresql://u@h/d?prepare_threshold=0"))


def test_the_password_is_never_on_the_command_line_nor_in_a_failure_message(monkeypatch, tmp_path):
    calls = []

    def fake_run(command, **options):
        calls.append((command, options["env"]))
        return subprocess.CompletedProcess(command, 1, "", 'pg_dump: error: password "s3cr@t" was refused\n')

    monkeypatch.setattr(postgres.subprocess, "run", fake_run)
    with pytest.raises(BackupRefused) as caught:
        postgres.dump_schema(URL, "tenant", "00000003-0000001B-1", tmp_path / "database.pgdump")
    ((command, env),) = calls
    assert not any("s3cr" in part for part in command) and env["PGPASSWORD"] == "s3cr@t"
    assert '--schema="tenant"' in command and "--snapshot=00000003-0000001B-1" in command
    assert "s3cr@t" not in caught.value.message and 'password "***" was refused' in caught.value.message
