"""`fieldaudit worker`: take background jobs from the Redis queue (FIELDAUDIT_REDIS_URL) and run the scheduler."""

from __future__ import annotations

import click
from flask.cli import ScriptInfo, pass_script_info


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then exit (for scripts and tests).")
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Do not start periodic jobs here (any number of workers may run the scheduler; each period runs once).",
)
@click.option("--name", default=None, help="Worker name shown by `rq info` (default: RQ's own).")
@pass_script_info
def worker_command(info: ScriptInfo, burst: bool, no_scheduler: bool, name: str | None) -> None:
    """Run background jobs (region reports, upkeep) from the Redis queue until stopped (SIGTERM: finish the job first)."""
    from server.queue import RedisQueue
    from server.worker import run_worker

    try:
        app = info.load_app()
    except RuntimeError as exc:  # a malformed FIELDAUDIT_* setting: config says which
        raise click.ClickException(str(exc)) from None
    queue = app.extensions["job_queue"]
    if not isinstance(queue, RedisQueue):
        raise click.ClickException(
            "FIELDAUDIT_REDIS_URL is not set: without Redis, `fieldaudit run` runs the jobs itself and no worker "
            "is needed. Set it (e.g. redis://127.0.0.1:6379/0) on the server and the workers alike."
        )
    from server.storage import check_storage

    if problem := queue.problem() or check_storage(app):  # Redis and the bucket answer now, not at the first job
        raise click.ClickException(problem)
    click.echo(f"Fieldaudit worker on {queue!r}" + ("" if no_scheduler else ", with the periodic scheduler"))
    run_worker(app, burst=burst, with_scheduler=not no_scheduler, name=name)
