"""The `fieldaudit` console script: the command group that builds the app (server.create_app), and `main`.

Apart from server.cli, which the app factory imports to register the commands: so the factory and the commands
do not import each other."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command
from sqlalchemy.exc import DBAPIError

from server.cli.run import run_command as _run_command
from server.cli.worker import worker_command as _worker_command


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        click.echo(f"fieldaudit {version('fieldaudit')}")
    except PackageNotFoundError:
        click.echo("fieldaudit (not installed as a package)")
    ctx.exit()


def _create_app() -> Flask:
    from server import create_app

    return create_app()


SCHEMA_BUILDERS = {"init-db", "db", "run", "restore"}
"""Commands that create the schema themselves: their own database errors are not 'run init-db'."""


class FieldauditGroup(FlaskGroup):
    """The `fieldaudit` group: a command that meets a database without our schema says how to make it."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DBAPIError:
            from server.schema_state import UNREACHABLE, schema_problem

            problem = schema_problem(ctx.ensure_object(ScriptInfo).load_app())
            if problem is None or (ctx.invoked_subcommand in SCHEMA_BUILDERS and not problem.startswith(UNREACHABLE)):
                raise
            raise click.ClickException(problem) from None


cli = FieldauditGroup(
    name="fieldaudit",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    params=[
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_print_version,
            help="Show the Fieldaudit version.",
        )
    ],
    help="Fieldaudit: mystery shopping and field audits. Start with `fieldaudit run`.",
)
cli.add_command(shell_command)
cli.add_command(routes_command)
# `run` is the group's own command, not the app's: FlaskGroup pushes an application context around app commands,
# and gunicorn must never fork inside one (issue 9). It loads the app itself and prepares in a context it pops.
cli.add_command(_run_command)
cli.add_command(_worker_command)  # the same: RQ forks a work horse per job


def main() -> None:
    """Entry point of the `fieldaudit` console script (umask 077: what it writes is for its own user only)."""
    from server.private_files import set_private_umask

    set_private_umask()
    cli.main(args=sys.argv[1:], prog_name="fieldaudit")
