"""The `fieldaudit` commands: set up the database, manage users and checklists; `init_app` adds them to an app.

The console script itself (the group that builds the app, `main`) is server.cli.console: the app factory
imports this package, so this package never imports the factory."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from server.cli.common import fail_on
from server.extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest version."""
    from server.database import upgrade_schema

    upgrade_schema()
    click.echo("Database is up to date.")


@click.command("load-demo")
@click.option("--seed", default=2026, show_default=True, type=int, help="Same seed, same demo data.")
@with_appcontext
def load_demo_command(seed: int) -> None:
    """Load the demo organisation, checklist and visits into an empty database."""
    from server.demo import DEMO_PASSWORD, DemoError, load_demo

    with fail_on(DemoError):
        summary = load_demo(db.session, seed=seed)
    click.echo(f"Loaded demo data: {summary.describe()}")
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for login in summary.logins:
        click.echo(f"  {login.email}  {login.role}")


def _read_password(password: str | None, password_stdin: bool) -> str:
    if password is not None and password_stdin:
        raise click.UsageError("Give --password or --password-stdin, not both.")
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.UsageError("--password-stdin given but nothing was read from standard input.")
        return line.rstrip("\r\n")
    if password is not None:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "manager", "shopper"]))
@click.option("--region", "regions", multiple=True, metavar="CODE", help="Region a manager follows (repeatable).")
@click.option("--password", default=None, help="Prompted for (hidden) when not given.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option(
    "--invite",
    is_flag=True,
    help="No password: e-mail them an invitation to choose their own (needs FIELDAUDIT_PUBLIC_URL; docs/email.md).",
)
@with_appcontext
def create_user_command(email, name, role, regions, password, password_stdin, invite) -> None:
    """Create an admin, manager or shopper account (with a temporary password, or invited by e-mail)."""
    from server.models import Region
    from server.services.accounts.users import create_user

    found = []
    for code in regions:
        region = db.session.scalar(select(Region).where(Region.code == code.strip().upper()))
        if region is None:
            raise click.ClickException(f"region: no region with code {code!r}.")
        found.append(region)
    if invite:
        _invite(email, name, role, [region.id for region in found], password is not None or password_stdin)
        return
    secret = _read_password(password, password_stdin)
    with fail_on():
        user = create_user(db.session, email=email, name=name, role=role, password=secret, regions=found)
    click.echo(
        f"Created {user.role.value} {user.email} (id {user.id}). The password is temporary: "
        f"they choose their own at first sign-in{_second_factor_note(user)}."
    )


def _invite(email: str, name: str, role: str, region_ids: list[int], password_given: bool) -> None:
    """create-user --invite: the user without a password, their invitation queued and its delivery started."""
    from flask import current_app

    from server.queue import current_queue
    from server.services.accounts.auth_log import Client
    from server.services.accounts.invitations import invite_user
    from server.services.mail.delivery import deliver_soon

    if password_given:
        raise click.UsageError("Give --invite or a password, not both.")
    base_url = current_app.config.get("PUBLIC_URL")
    if not base_url:
        raise click.UsageError(
            "--invite needs FIELDAUDIT_PUBLIC_URL: the site's address, where the e-mailed link points."
        )
    days = int(current_app.config["INVITATION_DAYS"])
    with fail_on():
        user = invite_user(
            db.session,
            None,
            email=email,
            name=name,
            role=role,
            region_ids=region_ids,
            base_url=base_url,
            days=days,
            client=Client.of("", "fieldaudit CLI"),
        )
    deliver_soon(db.session, current_queue())
    where = "on its way" if current_app.config.get("SMTP_HOST") else "queued (e-mail is not configured: docs/email.md)"
    click.echo(f"Invited {user.role.value} {user.email} (id {user.id}); the invitation is {where}.")
    click.echo(f"The link works for {days} days; they choose their password{_second_factor_note(user)}.")


def _second_factor_note(user) -> str:
    """Admins also set up an authenticator app at that first sign-in (the second factor is required for them)."""
    return " and set up an authenticator app" if user.role.value == "admin" else ""


def init_app(app: Flask) -> None:
    """Register the commands on the app, so `fieldaudit ...` and `flask --app server ...` both have them."""
    from server.cli.accounts import reset_password_command  # reset-password for a locked-out user
    from server.cli.backup import backup_command, restore_command
    from server.cli.checklists import checklists_group, template_group
    from server.cli.demo import remove_demo_accounts_command
    from server.cli.photos import photos_group
    from server.cli.reports import reports_group
    from server.cli.scores import scores_group  # scores rebuild: the stored roll-ups after edits outside the server

    for command in (
        init_db_command,
        load_demo_command,
        create_user_command,
        checklists_group,
        template_group,
        reports_group,
        remove_demo_accounts_command,
        photos_group,
        reset_password_command,
        scores_group,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
