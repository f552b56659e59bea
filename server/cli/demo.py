"""`fieldaudit remove-demo-accounts`: close the demo accounts (published password) before real use."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from server.cli.common import fail_on
from server.extensions import db


@click.command("remove-demo-accounts")
@with_appcontext
def remove_demo_accounts_command() -> None:
    """Deactivate the demo accounts, give them random passwords and revoke their tokens (their data stays)."""
    from server.services.accounts.demo_accounts import remove_demo_accounts

    with fail_on():
        closed = remove_demo_accounts(db.session)
    if not closed:
        click.echo("No demo account can sign in: nothing to do.")
        return
    click.echo(f"Removed {len(closed)} demo accounts (deactivated, random passwords, tokens revoked):")
    for email in closed:
        click.echo(f"  {email}")
