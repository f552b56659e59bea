"""`fieldaudit scores rebuild`: recompute the stored score roll-ups from the answers and move every region's mark."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from server.extensions import db
from server.services.transactions import atomic


@click.group("scores")
def scores_group() -> None:
    """Look after the stored score roll-ups."""


@scores_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute every stored question roll-up and move every region's mark (after edits made outside the server)."""
    from server.services.scores.marks import bump_all
    from server.services.scores.question_days import rebuild

    with atomic(db.session):
        rows, regions = rebuild(db.session), bump_all(db.session)
    click.echo(f"Rebuilt {rows} question-day rows; moved the roll-up mark of {regions} regions.")
