"""`fieldaudit run` as people start it: refusals are one line before anything is served, the real command
(gunicorn) binds its port before it says where it runs, a busy port is one line, and the `Server:` header
names no software version."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import requests
from click.testing import CliRunner

from server.cli.console import cli
from tests.reliability.server_process import ROOT, ServerProcess, free_port, run_fieldaudit


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """The `fieldaudit` group in-process on the embedded database of a scratch instance folder."""
    for name in (
        "FIELDAUDIT_DATABASE_URL",
        "FIELDAUDIT_SECURE_COOKIES",
        "FIELDAUDIT_PROXY_HOPS",
        "FIELDAUDIT_RATELIMIT_STORAGE_URI",
        "FIELDAUDIT_SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; restored after the test
    return monkeypatch


def run(*args: str):
    """`fieldaudit run ARGS` in-process: only for invocations refused before a socket is bound."""
    return CliRunner().invoke(cli, ["run", *args])


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output
    assert len(lines) == 1, output
    return lines[0]


def test_several_workers_with_rate_limits_in_memory_refuse_to_start(cli_env):
    result = run("--workers", "3", "--port", str(free_port()))
    assert result.exit_code == 1
    line = one_error_line(result.output)
    assert "--workers 3 needs rate limits shared by all workers" in line
    assert "FIELDAUDIT_RATELIMIT_STORAGE_URI=redis://" in line


def test_a_rate_limit_store_that_does_not_answer_refuses_the_start(cli_env):
    cli_env.setenv("FIELDAUDIT_RATELIMIT_STORAGE_URI", f"redis://:hunter2secret@127.0.0.1:{free_port()}/0")
    result = run("--workers", "2", "--port", str(free_port()))
    assert result.exit_code == 1
    line = one_error_line(result.output)
    assert "the rate-limit storage redis://:***@127.0.0.1:" in line and "hunter2secret" not in result.output


@pytest.mark.parametrize(
    "args, env, message",
    [
        (
            ["--demo", "--host", "0.0.0.0"],
            {},
            "--demo refused on --host 0.0.0.0: the demo accounts' password is public",
        ),
        (
            ["--demo"],
            {"FIELDAUDIT_DATABASE_URL": "sqlite:///{tmp}/other.db"},
            "--demo refused with FIELDAUDIT_DATABASE_URL",
        ),
    ],
)
def test_the_demo_is_refused_on_a_public_address_or_another_database(cli_env, tmp_path, args, env, message):
    for name, value in env.items():
        cli_env.setenv(name, value.format(tmp=tmp_path))
    result = run(*args, "--port", str(free_port()))
    assert result.exit_code == 1
    line = one_error_line(result.output)
    assert message in line and "--force-demo" in line
    assert not (tmp_path / "other.db").exists() or (tmp_path / "other.db").stat().st_size == 0  # nothing migrated


def test_a_public_address_without_secure_cookies_or_a_proxy_is_warned_about(cli_env):
    # --workers 2 with limits in memory stops the start right after the warning, before anything is bound.
    warned = run("--host", "0.0.0.0", "--workers", "2")
    assert warned.exit_code == 1
    assert "Warning: 0.0.0.0 is reachable from other machines" in warned.output
    assert "FIELDAUDIT_PROXY_HOPS=1" in warned.output
    cli_env.setenv("FIELDAUDIT_PROXY_HOPS", "1")
    behind_proxy = run("--host", "0.0.0.0", "--workers", "2")
    cli_env.delenv("FIELDAUDIT_PROXY_HOPS")
    cli_env.setenv("FIELDAUDIT_SECURE_COOKIES", "1")
    secure = run("--host", "0.0.0.0", "--workers", "2")
    loopback = run("--host", "127.0.0.1", "--workers", "2")
    for quiet in (behind_proxy, secure, loopback):
        assert quiet.exit_code == 1 and "Warning" not in quiet.output


@pytest.mark.slow
def test_the_real_command_binds_its_port_before_it_says_where_it_runs(database_url, tmp_path):
    server = ServerProcess(database_url, tmp_path / "server", options=["--workers", "1"])
    server.start(wait=False)
    try:
        output = server.wait_for_output("Fieldaudit is running at")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass  # listening the moment the line is printed
        assert f"Fieldaudit is running at http://127.0.0.1:{server.port}/" in output
        assert "Demo log-ins" not in output  # no --demo, no demo
        answer = requests.get(server.url + "/login", timeout=30)
        assert answer.status_code == 200
        assert answer.headers["Server"] == "Fieldaudit"  # gunicorn would say "gunicorn"; no version either way
        assert "Werkzeug" not in answer.headers["Server"]
    finally:
        status = server.stop()
    assert status == 0  # SIGTERM is gunicorn's graceful stop


@pytest.mark.slow
def test_a_busy_port_is_one_clear_line_and_a_non_zero_exit(database_url, tmp_path):
    server = ServerProcess(database_url, tmp_path / "server")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_fieldaudit(["run", "--host", "127.0.0.1", "--port", str(port)], server.env(), tmp_path, timeout=60)
    assert result.returncode == 1
    line = one_error_line(result.stdout + result.stderr)
    assert line == (
        f"Error: port {port} on 127.0.0.1 is already in use: stop the other server or choose another --port"
    )


def test_no_demo_is_still_accepted_and_overrides_demo(cli_env):
    result = run("--demo", "--no-demo", "--host", "0.0.0.0", "--workers", "2")  # as `scripts/serve --no-demo ...`
    assert result.exit_code == 1 and "No such option" not in result.output
    assert "--demo refused" not in result.output and "needs rate limits shared" in result.output


def test_the_entry_point_sets_a_private_umask(tmp_path):
    probe = (
        "import atexit, os, sys; atexit.register(lambda: print('umask', oct(os.umask(0)))); "
        "sys.argv = ['fieldaudit', '--version']; from server.cli.console import main; main()"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr
    assert "umask 0o77" in result.stdout


@pytest.mark.slow
def test_the_demo_as_scripts_serve_runs_it_prints_log_ins_shows_the_banner_and_keeps_files_private(tmp_path):
    """`fieldaudit run --demo` on the embedded database: the log-ins are printed, the demo admin sees the banner,
    the instance folder, key, database (-wal, -shm) and photos are private; remove-demo-accounts closes them."""
    from server.demo import DEMO_PASSWORD
    from tests.reliability.server_process import signed_in_as, web_sign_in

    server = ServerProcess(
        None,
        tmp_path / "server",
        options=["--demo"],
        extra_env={
            "FIELDAUDIT_DATABASE_URL": None,
            "FIELDAUDIT_SECRET_KEY": None,
            "FIELDAUDIT_PHOTO_STORAGE_PATH": None,
        },
    )
    server.start(timeout=300)
    instance = tmp_path / "server" / "instance"
    try:
        output = server.wait_for_output("Press Ctrl+C to stop.")
        assert "Loaded demo data: 3 regions, 36 branches, 10 users" in output
        assert f"Demo log-ins (password for all: {DEMO_PASSWORD}):" in output
        assert "admin@demo.fieldaudit.org" in output and "emma.clarke@demo.fieldaudit.org" in output
        browser = requests.Session()
        assert web_sign_in(browser, server.url, "admin@demo.fieldaudit.org", DEMO_PASSWORD).status_code == 302
        home = browser.get(server.url + "/", timeout=30)
        assert signed_in_as(home.text) == "Alex Morgan · admin"
        assert "Demo accounts are active." in home.text and "fieldaudit remove-demo-accounts" in home.text

        db = instance / "fieldaudit.db"
        wal, shm = db.with_name("fieldaudit.db-wal"), db.with_name("fieldaudit.db-shm")
        assert wal.exists() and shm.exists()  # a worker has the database open
        modes = {path.name: path.stat().st_mode & 0o777 for path in (instance, instance / "secret_key", db, wal, shm)}
        assert modes == {
            "instance": 0o700,
            "secret_key": 0o600,
            "fieldaudit.db": 0o600,
            "fieldaudit.db-wal": 0o600,
            "fieldaudit.db-shm": 0o600,
        }
        photos = list((instance / "photos").rglob("*"))
        assert photos and (instance / "photos").stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in photos} == {0o700, 0o600}  # folders and files

        env = server.env()
        refused = run_fieldaudit(["remove-demo-accounts"], env, tmp_path)
        assert refused.returncode == 1 and "create-user --role admin" in refused.stderr
        created = run_fieldaudit(
            ["create-user", "--email", "owner@example.org", "--name", "Owner", "--role", "admin", "--password-stdin"],
            env,
            tmp_path,
            input_text="a long enough password\n",
        )
        assert created.returncode == 0, created.stderr
        removed = run_fieldaudit(["remove-demo-accounts"], env, tmp_path)
        assert removed.returncode == 0 and "Removed 10 demo accounts" in removed.stdout
        assert "Demo accounts are active." not in browser.get(server.url + "/", timeout=30).text
        again = requests.Session()
        assert web_sign_in(again, server.url, "admin@demo.fieldaudit.org", DEMO_PASSWORD).status_code == 200
    finally:
        server.stop()


def test_an_unreachable_database_or_a_malformed_setting_is_one_line(cli_env):
    cli_env.setenv("FIELDAUDIT_DATABASE_URL", f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    port = free_port()
    unreachable = run("--port", str(port))
    assert unreachable.exit_code == 1
    assert one_error_line(unreachable.output).startswith("Error: The database cannot be reached:")
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # the port was let go
    cli_env.setenv("FIELDAUDIT_TOKEN_LIFETIME_DAYS", "thirty")
    malformed = run("--port", str(free_port()))
    assert malformed.exit_code == 1
    assert (
        one_error_line(malformed.output) == "Error: FIELDAUDIT_TOKEN_LIFETIME_DAYS must be a whole number, got 'thirty'"
    )


def test_an_s3_bucket_that_does_not_answer_refuses_the_start_naming_it_without_secrets(cli_env, s3_endpoint):
    settings = s3_endpoint.config("no-such-bucket")
    for name, value in settings.items():
        cli_env.setenv(f"FIELDAUDIT_{name}", value)
    cli_env.delenv("FIELDAUDIT_REDIS_URL", raising=False)
    result = run("--port", str(free_port()))
    assert result.exit_code == 1
    line = one_error_line(result.output)
    assert "bucket 'no-such-bucket'" in line and s3_endpoint.url in line and "does not exist" in line
    assert settings["S3_SECRET_ACCESS_KEY"] not in result.output and settings["S3_ACCESS_KEY_ID"] not in result.output


def test_several_workers_on_s3_without_redis_refuse_to_start(cli_env, s3_endpoint, s3_bucket):
    for name, value in s3_endpoint.config(s3_bucket).items():
        cli_env.setenv(f"FIELDAUDIT_{name}", value)
    cli_env.delenv("FIELDAUDIT_REDIS_URL", raising=False)
    cli_env.setenv("FIELDAUDIT_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    result = run("--workers", "2", "--port", str(free_port()))
    assert result.exit_code == 1
    assert "FIELDAUDIT_PHOTO_STORAGE=s3 needs upload locks shared" in one_error_line(result.output)
