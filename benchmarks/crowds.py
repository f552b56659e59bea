"""The issue's two crowds against the production command: 50 phones' first pulls at once, 20 managers on the dashboard.

    .venv/bin/python -m benchmarks.crowds                                   # 10k visits, SQLite
    .venv/bin/python -m benchmarks.crowds --visits 10000 100000 --no-sqlite \
        --postgres postgresql://postgres@127.0.0.1:5432/test

Per size and database it builds the organisation of benchmarks/world.py (500 branches, 50 shoppers, the demo
checklist with answers), a bearer token per shopper and a manager of the region, then starts `fieldaudit run
--workers N` (gunicorn, rate limits in the local Redis, as tests/reliability/server_process.py starts it) and
sends real HTTP from threads on the same machine:

- **first pulls**: every shopper's phone starts its first sync (GET /api/v1/sync/changes from an empty
  cursor, page after page) at the same moment, while phones already in sync send incremental pulls (from the
  current cursor) at `--incremental` per second; it prints each phone's wait for its whole pull, the page
  latencies and the incremental pulls' latencies (p50/p99/max);
- **dashboards**: `--managers` browsers signed in through the login form reload GET /dashboard/?region=<id>
  as fast as the answers come for `--seconds`, first with nothing else happening, then while a visit of the
  region is approved every `--approve-every` seconds (through the review service, from the benchmark process,
  on the same database: each approval is a counted change, so roll-ups are recomputed as in a working day);
  it prints pages/s and the latency p50/p99/max of each.

Latencies are wall-clock from the request being sent; the load generator shares the 2 cores with the server,
so absolute figures are pessimistic. The load average is printed around each crowd.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.dataset import scratch_app
from benchmarks.http_clients import TIMEOUT, browser, get, pull, spread
from benchmarks.world import build_world
from tests.reliability.server_process import ServerProcess, redis_rate_limits, web_sign_in

MANAGER_EMAIL, MANAGER_PASSWORD = "crowd.manager@bench.test", "a long benchmark passphrase"


@dataclass
class Crowd:
    """What the crowds need from the built organisation."""

    tokens: list[str]
    region_id: int
    admin_id: int
    to_approve: list


def seed(app, visits: int, branches: int, shoppers: int) -> Crowd:
    """Build the world, a manager with a password, a token per shopper, and the visits left to approve."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Region, User, Visit, VisitStatus
    from server.services.accounts.tokens import issue_token
    from server.services.accounts.users import create_user

    session = db.session
    world = build_world(session, visits=visits, branches=branches, shoppers=shoppers, answers=True)
    create_user(
        session,
        email=MANAGER_EMAIL,
        name="Crowd Manager",
        role="manager",
        password=MANAGER_PASSWORD,
        regions=[session.get(Region, world.region_id)],
        temporary=False,
    )
    tokens = [issue_token(session, session.get(User, shopper), "Crowd phone")[1] for shopper in world.shopper_ids]
    pending = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.SUBMITTED)).all()
    session.commit()
    crowd = Crowd(tokens, world.region_id, world.admin_id, list(pending))
    session.remove()
    return crowd


def first_pulls(url: str, tokens: list[str], incremental_rate: float) -> dict:
    """All phones pull from scratch at once; meanwhile synced phones pull from their cursor at a fixed rate."""
    with ThreadPoolExecutor(max_workers=10) as pool:  # warm every worker (imports, connections) before the storm
        cursors = [cursor for _, cursor in pool.map(lambda token: pull(browser(), url, token, ""), tokens[:10])]
    waits, pages, incremental = [], [], []
    lock, storm_over = threading.Lock(), threading.Event()

    def phone(token: str) -> None:
        started = time.perf_counter()
        latencies, _ = pull(browser(), url, token, "")
        with lock:
            waits.append(time.perf_counter() - started)
            pages.extend(latencies)

    def synced_phones() -> None:
        http, n, started = browser(), 0, time.perf_counter()
        while not storm_over.is_set():
            pause = started + n / incremental_rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            token = tokens[n % len(tokens)]
            began = time.perf_counter()
            pull(http, url, token, cursors[n % len(cursors)])
            incremental.append(time.perf_counter() - began)
            n += 1

    background = threading.Thread(target=synced_phones, daemon=True) if incremental_rate > 0 else None
    if background:
        background.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        list(pool.map(phone, tokens))
    seconds = time.perf_counter() - started
    storm_over.set()
    if background:
        background.join(TIMEOUT)
    return {"seconds": seconds, "waits": waits, "pages": pages, "incremental": incremental}


def dashboards(
    url: str, browsers: list[requests.Session], region_id: int, seconds: float, approve: tuple | None
) -> dict:
    """Each browser reloads the region's dashboard for `seconds`; optionally the admin approves a visit now and then."""
    latencies, lock, stop = [], threading.Lock(), time.perf_counter() + seconds
    approved = [0]

    def manager(http: requests.Session) -> None:
        while time.perf_counter() < stop:
            elapsed, _ = get(http, url + "/dashboard/", params={"region": region_id})
            with lock:
                latencies.append(elapsed)

    def admin(app, admin_id: int, visits: list, every: float) -> None:
        from server.extensions import db
        from server.models import User, Visit
        from server.services.transactions import atomic
        from server.services.visits.reviews import approve_visit

        for visit_id in visits:
            if time.perf_counter() >= stop:
                return
            with app.app_context():
                with atomic(db.session):
                    approve_visit(db.session, db.session.get(User, admin_id), db.session.get(Visit, visit_id))
                db.session.remove()
            approved[0] += 1
            time.sleep(every)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(browsers) + 1) as pool:
        jobs = [pool.submit(manager, http) for http in browsers]
        if approve:
            jobs.append(pool.submit(admin, *approve))
        for job in jobs:
            job.result()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "approved": approved[0]}


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run(visits: int, postgres: str | None, args: argparse.Namespace) -> None:
    """Build one size on one database, start the production command on it, send both crowds."""
    name = "postgresql" if postgres else "sqlite"
    with scratch_app(postgres) as app:
        crowd = seed(app, visits, args.branches, args.shoppers)
        folder = Path(tempfile.mkdtemp(prefix="fa-crowds-"))
        with redis_rate_limits() as (env, _, _client):
            server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], folder, ["--workers", str(args.workers)], env)
            server.start()
            try:
                before = _load()
                pulls = first_pulls(server.url, crowd.tokens, args.incremental)
                print(
                    f"{visits:>7} {name:<10} {len(crowd.tokens)} first pulls at once, {args.workers} workers: "
                    f"all done in {pulls['seconds']:.2f} s; load {before} -> {_load()}",
                    flush=True,
                )
                print(f"{'':>18} wait per phone   {spread(pulls['waits'])}")
                print(f"{'':>18} page             {spread(pulls['pages'])}  ({len(pulls['pages'])} pages)")
                print(
                    f"{'':>18} incremental pull {spread(pulls['incremental'])}  ({len(pulls['incremental'])} at "
                    f"{args.incremental:g}/s)",
                    flush=True,
                )
                browsers = []
                for _ in range(args.managers):
                    http = browser()
                    signed_in = web_sign_in(http, server.url, MANAGER_EMAIL, MANAGER_PASSWORD)
                    if signed_in.status_code != 302:
                        raise RuntimeError(f"manager sign-in: {signed_in.status_code} {signed_in.text[:200]}")
                    get(http, server.url + "/dashboard/", params={"region": crowd.region_id})  # warm, and signed in
                    browsers.append(http)
                for label, approve in (
                    ("quiet", None),
                    ("approving", (app, crowd.admin_id, crowd.to_approve, args.approve_every)),
                ):
                    before = _load()
                    seen = dashboards(server.url, browsers, crowd.region_id, args.seconds, approve)
                    rate = len(seen["latencies"]) / seen["seconds"]
                    extra = f", {seen['approved']} visits approved" if approve else ""
                    print(
                        f"{'':>18} dashboard {label:<9} {args.managers} managers: {rate:.2f} pages/s  "
                        f"{spread(seen['latencies'])}{extra}; load {before} -> {_load()}",
                        flush=True,
                    )
            finally:
                server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crowds", description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, nargs="+", default=[10_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (a scratch schema)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers of `fieldaudit run`")
    parser.add_argument("--managers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each dashboard crowd reloads")
    parser.add_argument("--incremental", type=float, default=5.0, help="incremental pulls per second during the storm")
    parser.add_argument("--approve-every", type=float, default=2.0, help="seconds between approvals (second crowd)")
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--shoppers", type=int, default=50, help="phones (each a shopper with a token)")
    args = parser.parse_args(argv)
    databases = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    for visits in args.visits:
        for database in databases:
            run(visits, database, args)


if __name__ == "__main__":
    main()
