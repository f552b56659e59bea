"""`fieldaudit reports render`: many PDF reports at once (regions and their branches), with a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.extensions import db
from server.services.transactions import atomic

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("reports")
def reports_group() -> None:
    """Render PDF reports from the command line."""


def _regions(codes: tuple[str, ...], every: bool) -> list:
    from server.models import Region

    if bool(codes) == every:
        raise click.UsageError("Give --region CODE (repeatable) or --all, not both and not neither.")
    if every:
        return list(db.session.scalars(select(Region).order_by(Region.code)))
    found = []
    for code in codes:
        region = db.session.scalar(select(Region).where(Region.code == code.strip().upper()))
        if region is None:
            raise click.ClickException(f"region: no region with code {code!r}.")
        found.append(region)
    return found


def _jobs(regions: list, scope, branches: bool, labels) -> list[tuple[str, Callable]]:
    """(label, render) for each region report and, if asked, each branch report of those regions."""
    from server.services.reports.files import branch_pdf, region_pdf

    jobs: list[tuple[str, Callable]] = []
    for region in regions:
        jobs.append((f"region {region.code}", lambda r=region: region_pdf(db.session, r, scope)))
        if branches:
            jobs += [
                (f"branch {b.code}", lambda b=b: branch_pdf(db.session, b, scope, labels=labels))
                for b in region.branches
                if b.active
            ]
    return jobs


@reports_group.command("render")
@click.option("--region", "codes", multiple=True, metavar="CODE", help="Region to render (repeatable).")
@click.option("--all", "every", is_flag=True, help="Render every region.")
@click.option("--from", "start", type=DATE, default=None, help="First day (YYYY-MM-DD); default 90 days to --to.")
@click.option("--to", "end", type=DATE, default=None, help="Last day (YYYY-MM-DD); default today (UTC).")
@click.option("--template-id", type=click.IntRange(min=1), default=None, help="Only visits of this checklist.")
@click.option(
    "--branches/--no-branches",
    default=True,
    show_default=True,
    help="Also render a branch report for every active branch of the regions.",
)
@click.option(
    "--shopper-names",
    is_flag=True,
    help="Print shoppers' names. Default: as managers see them (pseudonyms while the setting is on).",
)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the PDFs.")
@with_appcontext
def render_command(
    codes, every, start: datetime | None, end: datetime | None, template_id, branches, shopper_names: bool, out: Path
):
    """Render region reports (and their branch reports) for a period into a folder, to hand to managers."""
    from server.services.accounts.shopper_labels import NAMES, labels_for
    from server.services.org.settings import load_settings
    from server.services.scores import ScoreFilterError, make_scope

    try:
        scope = make_scope(db.session, start and start.date(), end and end.date(), template_id)
    except ScoreFilterError as exc:
        raise click.BadParameter(
            exc.message, param_hint=f"--{exc.field.replace('_', '-')}" if exc.field else None
        ) from None
    labels = NAMES if shopper_names else labels_for(None, load_settings(db.session))
    jobs = _jobs(_regions(codes, every), scope, branches, labels)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"out: cannot create {out}: {exc.strerror or exc}") from None
    failures = []
    with click.progressbar(
        jobs,
        label=f"Rendering {len(jobs)} reports for {scope.period}",
        item_show_func=lambda job: job[0] if job else "",
    ) as bar:
        for label, render in bar:
            try:
                with atomic(db.session):  # each report its own transaction: a failed one leaves a clean session
                    report = render()
                (out / report.filename).write_bytes(report.content)
            except Exception as exc:  # one broken report must not stop the batch; all are listed below
                failures.append(f"{label}: {type(exc).__name__}: {exc}")
    click.echo(f"Wrote {len(jobs) - len(failures)} of {len(jobs)} reports to {out}")
    for line in failures:
        click.echo(f"  failed: {line}", err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} report(s) could not be rendered.")
