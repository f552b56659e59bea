"""`fieldaudit reset-password EMAIL`: a temporary password for a locked-out user (an admin, usually)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from server.cli.common import fail_on
from server.extensions import db


def _read_new_password(password_stdin: bool) -> str:
    """From the first line of standard input, or a hidden prompt asked twice."""
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.UsageError("--password-stdin given but nothing was read from standard input.")
        return line.rstrip("\r\n")
    return click.prompt("Temporary password", hide_input=True, confirmation_prompt=True)


@click.command("reset-password")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the temporary password from the first line of standard input."
)
@click.option(
    "--reset-mfa", is_flag=True, help="Also remove the user's second factor (lost phone): they set up a new one."
)
@with_appcontext
def reset_password_command(email: str, password_stdin: bool, reset_mfa: bool) -> None:
    """Give EMAIL a temporary password, revoke their phone sign-ins and end their web sessions.

    The user must choose their own password at next sign-in (and, with --reset-mfa, set up a
    new authenticator app if their role needs one). Logged in the activity log.
    """
    from server.services.accounts.auth_log import Client
    from server.services.accounts.user_admin import reset_password, reset_second_factor
    from server.services.accounts.users import find_user_by_email

    user = find_user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"email: no user has the email {email.strip()!r}.")
    secret = _read_new_password(password_stdin)
    client = Client.of("", "fieldaudit CLI")
    with fail_on():
        change = reset_password(db.session, None, user, secret, secret, client, via="fieldaudit reset-password")
        if reset_mfa and (user.mfa_enabled or user.totp_pending_secret):
            reset_second_factor(db.session, None, user, client, via="fieldaudit reset-password --reset-mfa")
    click.echo(f"Temporary password set for {user.email} ({user.role.value}): {change.describe()}.")
    if reset_mfa:
        click.echo(
            "Second factor removed: they set up a new one at next sign-in."
            if user.role.value == "admin"
            else "Second factor removed."
        )
    if not user.active:
        click.echo("Note: this account is deactivated; reactivate it on its admin page before it can sign in.")
    click.echo("They must choose their own password when they next sign in.")
