"""Phones and managers against the production topology: per-call throughput and latency, and the phones' pull latency
with and without region PDFs building, side by side in one run.

    .venv/bin/python -m benchmarks.load --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python -m benchmarks.load --phones 40 --managers 6 --visits 10000 --workers 4 --job-workers 2 \
        --seconds 60     # PostgreSQL from TEST_DATABASE_URL when --postgres is not given

It builds benchmarks/world.py's organisation on a scratch PostgreSQL schema (500 branches, a shopper per phone, 24
answers a visit, `--visits` approved visits; dropped afterwards), gives every shopper a password and `--assignments`
open assignments, adds `--managers` managers of the region, then starts the production topology on loopback
(benchmarks/topology.py): `fieldaudit run --workers W` (gunicorn), `--job-workers` `fieldaudit worker` processes
(one with the scheduler), a Redis queue of this run's own. Then, from threads of this process:

- every phone signs in (POST /api/v1/auth/tokens) and pulls from zero (GET /api/v1/sync/changes, page after page),
  all at once; then, until the end, pulls from its cursor every `--pull-every` seconds and pushes a finished visit
  of one of its assignments every `--push-every` seconds (POST /api/v1/sync/push, then PUT of each photo's bytes);
- every manager signs in through the login form and for the API, and reloads the dashboard and the region's league
  JSON every `--browse-every` seconds, all the time;
- in three phases of `--seconds` each, one after the other: **quiet** (nothing more), **report jobs** (each manager
  keeps one region PDF job in flight: POST /api/v1/jobs, poll GET /api/v1/jobs/<id> every `--poll-every` s, download
  the result, start the next) and **sync PDFs** (each manager keeps one synchronous GET /api/v1/reports/regions/<id>.pdf
  in flight, built in the web workers; `--no-sync-pdf` leaves this phase out). Every report asks for a different
  90-day period, so none joins another or finds a cached computation. Between phases the managers' reports in flight
  finish ("drain"); pulls sent then count in the totals but in no phase.

It prints per call type the count, throughput (per second of the phases it ran in), p50/p95/p99 and errors, then the
phones' incremental pull (and push) latency per phase. Latency is wall-clock per request from this process, which
shares the cores with the server, the workers and PostgreSQL. Bounded: every request has a timeout, every thread a
deadline, and every process is stopped (and the schema and Redis keys removed) at the end, on Ctrl+C or a failure too.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import os
import random
import shutil
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from benchmarks.dataset import scratch_app
from benchmarks.http_clients import browser, get, percentile, pull, web_sign_in
from benchmarks.topology import Site, production
from benchmarks.visit_documents import CHECKLIST, assigned_visit
from benchmarks.world import build_world

PASSWORD = "a long benchmark passphrase"
TIMEOUT = 60  # per request: nginx's default proxy_read_timeout in front of the production server
QUIET, JOBS, SYNC, DRAIN, WARM_UP = "quiet", "report jobs", "sync PDFs", "drain", "warm-up"
REPORT_DAYS, PERIOD_OFFSETS = 90, 270  # each report a different 90-day period ending within the last 270 days
CALL_TYPES = (
    "phone sign-in",
    "first pull (all pages)",
    "incremental pull",
    "push visit",
    "photo upload",
    "manager web sign-in",
    "manager token sign-in",
    "dashboard",
    "league JSON",
    "job start",
    "job poll",
    "job download",
    "report via queue (start to PDF)",
    "sync region PDF",
)


@dataclass
class Plan:
    """What the crowd needs from the seeded organisation."""

    region_id: int
    version_id: int
    last_day: date
    phones: list[tuple[str, list[tuple[str, int]]]]  # (email, open assignments as (id, branch id))
    managers: list[str]


def seed(visits: int, branches: int, phones: int, managers: int, assignments: int) -> Plan:
    """The world (a shopper per phone), a password per shopper, open assignments, managers of the region."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Branch, Region, Template, User
    from server.services.accounts.users import create_user, hash_password
    from server.services.org.organisation import create_assignment

    session = db.session
    world = build_world(session, visits=visits, branches=branches, shoppers=phones, answers=True)
    region, template = session.get_one(Region, world.region_id), session.get_one(Template, world.template_id)
    password_hash = hash_password(PASSWORD)  # once: the same password for every phone
    branch_rows = session.scalars(select(Branch).where(Branch.region_id == world.region_id).order_by(Branch.id)).all()
    today, crowd = date.today(), []
    for index, shopper_id in enumerate(world.shopper_ids):
        shopper = session.get_one(User, shopper_id)
        shopper.password_hash = password_hash
        made = []
        for n in range(assignments):
            branch = branch_rows[(index * 7 + n) % len(branch_rows)]
            assignment = create_assignment(
                session,
                shopper=shopper,
                branch=branch,
                template=template,
                due_from=today - timedelta(days=1),
                due_to=today + timedelta(days=7),
                notes="Load benchmark visit",
            )
            made.append((str(assignment.id), branch.id))
        crowd.append((shopper.email, made))
    emails = [f"load.manager{n}@bench.test" for n in range(managers)]
    for n, email in enumerate(emails):
        create_user(
            session,
            email=email,
            name=f"Load Manager {n}",
            role="manager",
            password=PASSWORD,
            regions=[region],
            temporary=False,
        )
    session.commit()
    plan = Plan(world.region_id, world.version_id, world.last_day, crowd, emails)
    session.remove()
    return plan


class Schedule:
    """The phase every thread reads, the run's hard deadline, and the drain's count of reports in flight."""

    def __init__(self, deadline: float) -> None:
        self.label, self.deadline = WARM_UP, deadline
        self.over = threading.Event()
        self.changed = threading.Condition()
        self.busy = 0
        self.durations: dict[str, float] = {}

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def running(self) -> bool:
        return not self.over.is_set() and self.left() > 0

    def pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the run ends."""
        self.over.wait(max(0.0, min(seconds, self.left())))

    def enter(self, label: str) -> None:
        with self.changed:
            self.label = label
            self.changed.notify_all()

    def claim(self, labels: tuple[str, ...]) -> str | None:
        """The current phase if it is one of `labels` (and one more report counted in flight), else None."""
        with self.changed:
            if self.label in labels and self.running():
                self.busy += 1
                return self.label
            return None

    def release(self) -> None:
        with self.changed:
            self.busy -= 1
            self.changed.notify_all()

    def wait_for_change(self, seconds: float) -> None:
        with self.changed:
            self.changed.wait(max(0.0, min(seconds, self.left())))

    def drain(self, limit: float) -> None:
        """Wait until no report is in flight (at most `limit` seconds)."""
        until = time.monotonic() + limit
        with self.changed:
            while self.busy and time.monotonic() < until and self.running():
                self.changed.wait(min(0.5, max(0.0, until - time.monotonic())))


@dataclass
class Calls:
    """Every call's latency and phase, and the errors per call type (the first few kept to print)."""

    samples: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def measure(self, kind: str, schedule: Schedule, call: Callable[..., Any], *args: Any) -> Any:
        """Run `call(*args)`, recording its seconds under `kind` and the phase it started in; None if it failed."""
        phase, started = schedule.label, time.perf_counter()
        try:
            result = call(*args)
        except Exception as exc:  # noqa: BLE001 - every failure is counted against its call type, none stops the run
            self.fail(kind, phase, f"{type(exc).__name__}: {str(exc)[:300]}")
            return None
        self.record(kind, phase, time.perf_counter() - started)
        return result

    def fail(self, kind: str, phase: str, message: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.first_errors) < 10:
                self.first_errors.append(f"{kind} ({phase}): {message}")

    def record(self, kind: str, phase: str, seconds: float) -> None:
        with self.lock:
            self.samples.setdefault(kind, []).append((phase, seconds))

    def latencies(self, kind: str, phase: str | None = None) -> list[float]:
        return [s for p, s in self.samples.get(kind, []) if phase is None or p == phase]


def _expect(answer: requests.Response, *statuses: int) -> requests.Response:
    if answer.status_code not in statuses:
        raise RuntimeError(f"{answer.request.method} {answer.url}: {answer.status_code} {answer.text[:200]}")
    return answer


def token_sign_in(http: requests.Session, url: str, email: str, device: str) -> str:
    """POST /api/v1/auth/tokens: the bearer token."""
    body = {"email": email, "password": PASSWORD, "device_name": device}
    return _expect(http.post(url + "/api/v1/auth/tokens", json=body, timeout=TIMEOUT), 201).json()["token"]


def push_visit(http: requests.Session, url: str, token: str, document: dict) -> list[str]:
    """POST /api/v1/sync/push of one visit: the photo ids the server still lacks."""
    answer = _expect(
        http.post(
            url + "/api/v1/sync/push",
            json={"visits": [document]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        ),
        200,
    )
    result = answer.json()["results"][0]
    if result["result"] != "created":
        raise RuntimeError(f"push: {result}")
    return list(result.get("missing_photos", []))


def upload_photo(http: requests.Session, url: str, token: str, visit_id: str, photo_id: str, content: bytes) -> None:
    """PUT a photo's whole bytes; the server answers 201 when it is complete."""
    _expect(
        http.put(
            f"{url}/api/v1/visits/{visit_id}/photos/{photo_id}",
            data=content,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"},
            timeout=TIMEOUT,
        ),
        201,
    )


def phone(
    site: Site,
    email: str,
    assignments: list[tuple[str, int]],
    plan: Plan,
    args: argparse.Namespace,
    calls: Calls,
    schedule: Schedule,
    ready: threading.Semaphore,
) -> None:
    """Sign in, pull from zero, then pull from the cursor and push visits with photos until the run ends."""
    http, rng, checklist = browser(), random.Random(email), _checklist()
    try:
        token = calls.measure("phone sign-in", schedule, lambda: token_sign_in(http, site.url, email, "Load phone"))
        first = token and calls.measure("first pull (all pages)", schedule, lambda: pull(http, site.url, token, ""))
    finally:
        ready.release()
    if not token or not first:
        return
    cursor, todo = first[1], list(assignments)
    next_pull = time.monotonic() + rng.uniform(0, args.pull_every)
    next_push = time.monotonic() + rng.uniform(0, args.push_every)
    while schedule.running():
        push_due = next_push if todo else math.inf  # out of assignments: only pulls from then on
        schedule.pause(min(next_pull, push_due) - time.monotonic())
        if not schedule.running():
            return
        http.close()  # a new connection per sync, as a phone after seconds idle: no race with the server's keep-alive
        if push_due <= next_pull:  # whichever is more overdue; a slow server delays both, starves neither
            next_push = max(next_push + args.push_every, time.monotonic())
            document, photos = assigned_visit(checklist, plan.version_id, todo.pop(), rng, args.photo_bytes)
            missing = calls.measure("push visit", schedule, push_visit, http, site.url, token, document)
            for photo_id in missing or []:
                calls.measure(
                    "photo upload",
                    schedule,
                    upload_photo,
                    http,
                    site.url,
                    token,
                    document["id"],
                    photo_id,
                    photos[photo_id],
                )
        else:
            next_pull = max(next_pull + args.pull_every, time.monotonic())
            pulled = calls.measure("incremental pull", schedule, pull, http, site.url, token, cursor, TIMEOUT)
            cursor = pulled[1] if pulled else cursor


@functools.cache
def _checklist() -> dict[str, Any]:
    """The demo checklist's definition (read once), as the pushed visits answer it."""
    return json.loads(CHECKLIST.read_text())


def _signed_in(http: requests.Session, url: str, email: str) -> bool:
    """The web sign-in (raises unless it worked): True."""
    web_sign_in(http, url, email, PASSWORD)
    return True


def browsing_manager(
    site: Site, email: str, plan: Plan, args: argparse.Namespace, calls: Calls, schedule: Schedule, token: str
) -> None:
    """Sign in on the web, then reload the dashboard and the region's league every `--browse-every` seconds."""
    http = browser()
    if calls.measure("manager web sign-in", schedule, _signed_in, http, site.url, email) is None:
        return
    headers = {"Authorization": f"Bearer {token}"}
    while schedule.running():
        began = time.monotonic()
        calls.measure(
            "dashboard",
            schedule,
            lambda: get(http, site.url + "/dashboard/", TIMEOUT, params={"region": plan.region_id}),
        )
        calls.measure(
            "league JSON",
            schedule,
            lambda: get(http, f"{site.url}/api/v1/scores/regions/{plan.region_id}/league", TIMEOUT, headers=headers),
        )
        schedule.pause(args.browse_every - (time.monotonic() - began))


def _period(plan: Plan, offsets: itertools.count) -> dict[str, str]:
    """The next report's period: 90 days ending a different day back each time (wrapping after 270)."""
    end = plan.last_day - timedelta(days=next(offsets) % PERIOD_OFFSETS)
    return {"from": (end - timedelta(days=REPORT_DAYS - 1)).isoformat(), "to": end.isoformat()}


def report_via_queue(
    http: requests.Session,
    url: str,
    headers: dict,
    plan: Plan,
    period: dict,
    args: argparse.Namespace,
    calls: Calls,
    schedule: Schedule,
    phase: str,
) -> None:
    """Start a region report job, poll it until done, download the PDF; the whole counted as one report of `phase`."""
    started = time.perf_counter()
    body = {"kind": "region_report", "region_id": plan.region_id, **period}
    job = calls.measure(
        "job start",
        schedule,
        lambda: _expect(http.post(url + "/api/v1/jobs", json=body, headers=headers, timeout=TIMEOUT), 202, 200).json(),
    )
    if job is None:
        return
    while job["status"] not in ("done", "failed") and schedule.running():
        schedule.pause(args.poll_every)
        polled = calls.measure("job poll", schedule, _json, http, f"{url}/api/v1/jobs/{job['id']}", headers)
        job = polled if polled is not None else job
    if job["status"] != "done":
        calls.fail("report via queue (start to PDF)", phase, f"job {job['id']} {job['status']}: {job.get('message')}")
        return
    pdf = calls.measure("job download", schedule, lambda: _pdf(http, url + job["result"]["url"], headers))
    if pdf is not None:
        calls.record("report via queue (start to PDF)", phase, time.perf_counter() - started)


def _json(http: requests.Session, url: str, headers: dict) -> dict:
    """GET a JSON document (failing unless 200)."""
    return get(http, url, TIMEOUT, headers=headers)[1].json()


def _pdf(http: requests.Session, url: str, headers: dict, params: dict | None = None) -> int:
    """GET a PDF (failing unless it is one); its size."""
    _, answer = get(http, url, TIMEOUT, headers=headers, params=params)
    if not answer.content.startswith(b"%PDF"):
        raise RuntimeError(f"GET {url}: not a PDF ({answer.headers.get('Content-Type')})")
    return len(answer.content)


def reporting_manager(
    site: Site,
    plan: Plan,
    args: argparse.Namespace,
    calls: Calls,
    schedule: Schedule,
    token: str,
    offsets: itertools.count,
) -> None:
    """In the report phases keep one report in flight: a job (report jobs) or a synchronous PDF (sync PDFs)."""
    # no retries: a report that times out is an error, not sent again (the browser client retries reads once)
    http, headers = requests.Session(), {"Authorization": f"Bearer {token}"}
    while schedule.running():
        phase = schedule.claim((JOBS, SYNC))
        if phase is None:
            schedule.wait_for_change(1.0)
            continue
        try:
            http.close()  # a new connection after the wait (the server drops idle ones after its keep-alive, 5 s)
            period = _period(plan, offsets)
            if phase == JOBS:
                report_via_queue(http, site.url, headers, plan, period, args, calls, schedule, phase)
            else:
                calls.measure(
                    "sync region PDF",
                    schedule,
                    _pdf,
                    http,
                    f"{site.url}/api/v1/reports/regions/{plan.region_id}.pdf",
                    headers,
                    period,
                )
        finally:
            schedule.release()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _timed(call: Callable[[float], None], seconds: float) -> float:
    """Seconds `call(seconds)` took."""
    began = time.monotonic()
    call(seconds)
    return time.monotonic() - began


def drive(site: Site, plan: Plan, args: argparse.Namespace) -> tuple[Calls, Schedule, list[str]]:
    """Run the crowd through warm-up and the phases; (the calls, the schedule with phase durations, notes)."""
    phases = ([QUIET, JOBS] + ([] if args.no_sync_pdf else [SYNC])) * args.rounds
    budget = args.warm_up_limit + len(phases) * (args.seconds + args.drain_limit) + 30
    schedule, calls, notes = Schedule(time.monotonic() + budget), Calls(), []
    ready, threads = threading.Semaphore(0), []

    def spawn(target, *more) -> None:
        thread = threading.Thread(target=target, args=more, daemon=True)
        thread.start()
        threads.append(thread)

    try:
        started = time.monotonic()
        tokens = []
        for email in plan.managers:
            tokens.append(
                calls.measure(
                    "manager token sign-in", schedule, lambda e=email: token_sign_in(browser(), site.url, e, "Desk")
                )
            )
        for email, assignments in plan.phones:
            spawn(phone, site, email, assignments, plan, args, calls, schedule, ready)
        for _ in plan.phones:  # every phone signed in and pulled from zero (or failed) before the phases
            if not ready.acquire(timeout=max(0.0, started + args.warm_up_limit - time.monotonic())):
                notes.append(f"warm-up: not every phone had pulled from zero after {args.warm_up_limit:g} s")
                break
        offsets = itertools.count()
        for email, token in zip(plan.managers, tokens, strict=True):
            if token:
                spawn(browsing_manager, site, email, plan, args, calls, schedule, token)
                spawn(reporting_manager, site, plan, args, calls, schedule, token, offsets)
        schedule.durations[WARM_UP] = time.monotonic() - started
        for phase in phases:
            before = _load()
            schedule.enter(phase)
            ran = _timed(schedule.pause, args.seconds)
            schedule.enter(DRAIN)
            drained = _timed(schedule.drain, args.drain_limit)
            for label, seconds in ((phase, ran), (DRAIN, drained)):
                schedule.durations[label] = schedule.durations.get(label, 0.0) + seconds
            notes.append(f"{phase}: {ran:.1f} s, drain {drained:.1f} s, load {before} -> {_load()}")
            if schedule.busy:
                notes.append(f"{phase}: {schedule.busy} reports still in flight after {args.drain_limit:g} s")
            if problem := site.alive():
                raise RuntimeError(problem)
    finally:
        schedule.over.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT + 5)
    return calls, schedule, notes


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f}"


def report(calls: Calls, schedule: Schedule, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Print the per-call table and the phase comparison; the table's figures, by call type."""
    table: dict[str, dict[str, float]] = {}
    print(f"{'call type':<33} {'count':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind in CALL_TYPES:
        values, errors = calls.latencies(kind), calls.errors.get(kind, 0)
        if not values and not errors:
            continue
        seen = {phase for phase, _ in calls.samples.get(kind, [])}
        seconds = sum(schedule.durations.get(phase, 0.0) for phase in seen) or 1.0
        row = {"count": len(values), "per_second": len(values) / seconds, "errors": errors}
        if values:
            row.update({f"p{q}": percentile(values, q / 100) for q in (50, 95, 99)})
        table[kind] = row
        cells = "".join(_ms(row[f"p{q}"]) + " " for q in (50, 95, 99)) if values else f"{'-':>8} " * 3
        print(f"{kind:<33} {len(values):>6} {row['per_second']:>7.2f} {cells}{errors:>6}")
    print()
    phases = [QUIET, JOBS] + ([] if args.no_sync_pdf else [SYNC])
    print(
        f"{'phones while':<14} {'pulls':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}   {'push p50/p95 ms':>16}   reports"
    )
    for phase in phases:
        pulls, pushes = calls.latencies("incremental pull", phase), calls.latencies("push visit", phase)
        reports = len(calls.latencies("report via queue (start to PDF)", phase)) + len(
            calls.latencies("sync region PDF", phase)
        )
        pull_cells = "".join(_ms(percentile(pulls, q / 100)) + " " for q in (50, 95, 99)) if pulls else f"{'-':>8} " * 3
        push_cells = (
            f"{_ms(statistics.median(pushes)).strip()}/{_ms(percentile(pushes, 0.95)).strip()}" if pushes else "-"
        )
        print(f"{phase:<14} {len(pulls):>6} {pull_cells}  {push_cells:>16}   {reports}")
    return table


def run(postgres: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, start the topology, drive the crowd, print the figures; the figures and the errors."""
    with scratch_app(postgres) as app:
        phases = (2 if args.no_sync_pdf else 3) * args.rounds  # enough assignments to push until the end, drains too
        assignments = int(phases * (args.seconds + 30) / args.push_every) + 2
        plan = seed(args.visits, args.branches, args.phones, args.managers, assignments)
        folder = Path(tempfile.mkdtemp(prefix="fa-load-"))  # photos, PDFs, logs: removed unless the run failed
        print(
            f"{args.visits} visits, {args.branches} branches; {args.phones} phones, {args.managers} managers; "
            f"fieldaudit run --workers {args.workers} + {args.job_workers} fieldaudit worker"
            f"{f' (nice {args.job_nice})' if args.job_nice else ''} on PostgreSQL; "
            f"{args.seconds:g} s per phase; load {_load()}",
            flush=True,
        )
        try:
            with production(
                app.config["SQLALCHEMY_DATABASE_URI"],
                folder,
                web_workers=args.workers,
                job_workers=args.job_workers,
                job_nice=args.job_nice,
            ) as site:
                calls, schedule, notes = drive(site, plan, args)
                queue = site.queue
        except KeyboardInterrupt:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        except BaseException:
            print(f"the run failed; the server's and workers' logs are in {folder}", flush=True)
            raise
        shutil.rmtree(folder, ignore_errors=True)
        table = report(calls, schedule, args)
        for note in notes:
            print(f"  {note}")
        for error in calls.first_errors:
            print(f"  error: {error}")
        return {"table": table, "errors": dict(calls.errors), "notes": notes, "queue": queue}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL database (a scratch schema); TEST_DATABASE_URL")
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--visits", type=int, default=10_000, help="approved visits bulk-loaded before the run")
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of `fieldaudit run`")
    parser.add_argument("--job-workers", type=int, default=2, help="`fieldaudit worker` processes")
    parser.add_argument(
        "--job-nice", type=int, default=0, help="run the workers at this niceness (0-19; 0: as the web server)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    parser.add_argument("--pull-every", type=float, default=10.0, help="seconds between a phone's incremental pulls")
    parser.add_argument("--push-every", type=float, default=30.0, help="seconds between a phone's pushed visits")
    parser.add_argument("--photo-bytes", type=int, default=60_000, help="size of each photo (two per visit)")
    parser.add_argument("--browse-every", type=float, default=10.0, help="seconds between a manager's page reloads")
    parser.add_argument("--poll-every", type=float, default=0.5, help="seconds between a manager's job polls")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the phases in turn, against drift")
    parser.add_argument("--no-sync-pdf", action="store_true", help="leave out the synchronous PDF phase")
    parser.add_argument("--warm-up-limit", type=float, default=300.0, help="seconds for the sign-ins and first pulls")
    parser.add_argument("--drain-limit", type=float, default=120.0, help="seconds for reports in flight to finish")
    args = parser.parse_args(argv)
    postgres = args.postgres or os.environ.get("TEST_DATABASE_URL")
    if not postgres or not postgres.startswith("postgresql"):
        parser.error("the production topology runs on PostgreSQL: give --postgres URL or set TEST_DATABASE_URL")
    for name in ("phones", "managers", "workers", "job_workers"):
        if not 1 <= getattr(args, name) <= 500:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 500")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    if not 0 <= args.job_nice <= 19:
        parser.error("--job-nice must be between 0 and 19")
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be more than 0 and at most 3600")
    previous = signal.signal(signal.SIGTERM, _stop)  # a kill stops the processes and drops the schema too
    try:
        return run(postgres, args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(number: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {number}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("stopped: every process was stopped, the schema dropped, the Redis keys deleted") from None
