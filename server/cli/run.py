"""`fieldaudit run`: check the set-up, prepare the database in a context of its own, then serve with gunicorn."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info

from server.serving import (
    ServeOptions,
    ServingError,
    bind_listener,
    exposure_warning,
    is_loopback,
    serve,
    shared_limits_problem,
    shared_locks_problem,
    shown_url,
)


@dataclass
class PreparedRun:
    """What the database preparation found, for the start-up lines."""

    loaded: str | None = None
    logins: list = field(default_factory=list)
    demo_accounts: int = 0


def uses_default_database(app: Flask) -> bool:
    """Whether the app runs on the embedded SQLite file of its instance folder (no FIELDAUDIT_DATABASE_URL)."""
    from server.config import default_database_url, normalise_database_url

    default = normalise_database_url(default_database_url(app.instance_path))
    return app.config["SQLALCHEMY_DATABASE_URI"] == default


def demo_refusal(app: Flask, host: str) -> str | None:
    """Why --demo (accounts with a published password) is refused here, or None on loopback and the default database."""
    if not is_loopback(host):
        return (
            f"--demo refused on --host {host}: the demo accounts' password is public. Serve the demo on "
            "127.0.0.1, or add --force-demo if you really mean it"
        )
    if not uses_default_database(app):
        return (
            "--demo refused with FIELDAUDIT_DATABASE_URL set: the demo is for the embedded SQLite database. "
            "Unset it, or add --force-demo if you really mean it"
        )
    return None


def prepare_database(app: Flask, *, demo: bool) -> PreparedRun:
    """Upgrade the schema and, with `demo`, load the demo into an empty database.

    Runs in an application context of its own that is popped, and the engine disposed, before gunicorn
    forks: no worker may inherit a context, a session or a connection.
    """
    from server.database import upgrade_schema
    from server.demo import demo_logins, is_database_empty, load_demo
    from server.extensions import db
    from server.services.accounts.demo_accounts import active_demo_accounts

    prepared = PreparedRun()
    with app.app_context():
        try:
            upgrade_schema()
            if demo and is_database_empty(db.session):
                prepared.loaded = load_demo(db.session).describe()
            prepared.logins = demo_logins(db.session) if demo else []
            prepared.demo_accounts = len(active_demo_accounts(db.session))
        finally:
            db.session.remove()
            db.engine.dispose()
    return prepared


def jobs_line(app: Flask) -> str:
    """Where background jobs run: this server's threads, or the Redis queue that `fieldaudit worker` takes from."""
    queue = app.extensions["job_queue"]
    if queue.mode == "redis":
        problem = queue.problem()
        return f"Background jobs go to {queue!r}: run `fieldaudit worker` beside it." + (
            f" Warning: {problem}" if problem else ""
        )
    return f"Background jobs run inside this server ({app.config['JOB_THREADS']} threads; no worker needed)."


def startup_lines(prepared: PreparedRun, host: str, port: int) -> list[str]:
    """What is printed once the port is bound: the URL, the demo log-ins (only with --demo), how to stop."""
    from server.demo import DEMO_PASSWORD

    lines = [f"Fieldaudit is running at {shown_url(host, port)}"]
    if prepared.logins:
        lines.append(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in prepared.logins)
        lines += [f"  {login.email.ljust(width)}  {login.role:<8} {login.name}" for login in prepared.logins]
    elif prepared.demo_accounts:
        lines.append(
            f"Warning: {prepared.demo_accounts} demo accounts with the published password can sign in; "
            "remove them with `fieldaudit remove-demo-accounts`."
        )
    lines.append("Press Ctrl+C to stop.")
    return lines


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="gunicorn worker processes; more than 1 needs FIELDAUDIT_RATELIMIT_STORAGE_URI=redis://...",
)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(5, 3600),
    help="Seconds before a worker that stopped answering is restarted.",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Load the demo into an empty database and print its log-ins (loopback and the embedded database only).",
)
@click.option("--force-demo", is_flag=True, help="--demo even on a public address or another database.")
@click.option("--no-demo", is_flag=True, help="No demo even if --demo is given (`scripts/serve --no-demo`).")
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    workers: int,
    threads: int,
    timeout: int,
    demo: bool,
    force_demo: bool,
    no_demo: bool,
) -> None:
    """Upgrade the database and serve Fieldaudit with gunicorn (the demo data only with --demo)."""
    try:
        app = info.load_app()
    except RuntimeError as exc:  # a malformed FIELDAUDIT_* setting: config says which
        raise click.ClickException(str(exc)) from None
    demo = (demo or force_demo) and not no_demo
    if demo and not force_demo and (refusal := demo_refusal(app, host)):
        raise click.ClickException(refusal)
    if warning := exposure_warning(host):
        click.echo(warning, err=True)
    if problem := shared_limits_problem(app, workers) or shared_locks_problem(app, workers):
        raise click.ClickException(problem)
    from server.storage import check_storage

    if problem := check_storage(app):  # an S3 bucket that does not answer fails here, not at the first photo
        raise click.ClickException(problem)
    try:
        listener = bind_listener(host, port)  # before the slow part: a busy port fails at once
    except ServingError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        prepared = prepare_database(app, demo=demo)
    except BaseException:
        listener.close()
        raise
    if prepared.loaded:
        click.echo(f"Loaded demo data: {prepared.loaded}")
    lines = startup_lines(prepared, host, port)
    lines.insert(-1, jobs_line(app))
    serve(
        listener,
        ServeOptions(workers=workers, threads=threads, timeout=timeout),
        on_ready=lambda: click.echo("\n".join(lines)),
    )
