"""One shopper's full pull (first sync) against a hand-written SELECT of the same rows, at growing sizes.

    .venv/bin/python -m benchmarks.pull                       # 10k and 100k visits, SQLite
    .venv/bin/python -m benchmarks.pull --visits 300000 --postgres postgresql://postgres@127.0.0.1:5432/test

Per size and database it builds a scratch organisation (benchmarks/world.py: 500 branches, 50 shoppers, the
demo checklist, a seed through the services multiplied in SQL), then times, side by side, the full pull of
one shopper through GET /api/v1/sync/changes (the Flask test client, page after page as the phone asks,
bearer sign-in included), the same pull through the service alone (no HTTP, sign-in or JSON; needs this
branch's sync_changes, so only the HTTP column is measured on older code), and the raw SELECTs a person would write for the rows that phone holds (its open
and submitted assignments, their branches, published versions, its visits in play or of the last 14 days
with their documents, the photos still missing). It prints the pull's time, pages, changes, the most
statements one page sent, the raw time and the ratios, and the load average around each run. `cpu` is the
pull's CPU seconds over the raw SELECT's (this process's, so it means something on SQLite only, where the
database runs in the process; steadier than wall time on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, text

from benchmarks.dataset import scratch_app
from benchmarks.world import build_world
from tests.clients import new_client

RAW = [
    "SELECT id, template_id, number, definition FROM template_versions WHERE status = 'published'",
    """SELECT b.id, b.code, b.name, b.address, b.latitude, b.longitude, r.id, r.code, r.name
       FROM branches b JOIN regions r ON r.id = b.region_id WHERE b.active = :yes AND b.id IN (
         SELECT branch_id FROM assignments WHERE shopper_id = :s AND status IN ('open', 'submitted')
         UNION SELECT branch_id FROM visits WHERE shopper_id = :s
               AND (status IN ('awaiting_photos', 'submitted', 'returned') OR submitted_at >= :since))""",
    """SELECT id, branch_id, template_id, due_from, due_to, status, notes FROM assignments
       WHERE shopper_id = :s AND status IN ('open', 'submitted')""",
    """SELECT v.id, v.revision, v.status, v.score_percent, v.review_note, r.document FROM visits v
       LEFT JOIN visit_revisions r ON r.visit_id = v.id AND r.revision = v.revision
       WHERE v.shopper_id = :s AND (v.status IN ('awaiting_photos', 'submitted', 'returned') OR v.submitted_at >= :since)""",
    """SELECT p.visit_id, p.id FROM photos p JOIN visits v ON v.id = p.visit_id WHERE p.completed_at IS NULL
       AND v.shopper_id = :s AND (v.status IN ('awaiting_photos', 'submitted', 'returned') OR v.submitted_at >= :since)""",
]


@contextmanager
def statements_per_request(engine):
    """Counts statements (not transaction bookkeeping) in a list the caller resets per request."""
    counts = [0]

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "LOCK TABLE")):
            counts[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", before)


def full_pull(client, token: str, limit: int | None, counts: list[int] | None = None) -> tuple[int, int, int]:
    """Every page of a first pull; returns (pages, changes, most statements in one page)."""
    cursor, pages, changes, most = "", 0, 0, 0
    while True:
        if counts is not None:
            counts[0] = 0
        query = {"since": cursor} | ({"limit": limit} if limit else {})
        page = client.get("/api/v1/sync/changes", query_string=query, headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.get_data(as_text=True)[:300]
        body = json.loads(page.get_data())  # as a phone reads it (the app's own loader checks *incoming* JSON)
        pages, changes = pages + 1, changes + len(body["changes"])
        most = max(most, counts[0]) if counts is not None else 0
        cursor = body["cursor"]
        if not body["more"]:
            return pages, changes, most


def service_pull(session, shopper_id: int, limit: int | None) -> int:
    """The same full pull through the service alone (no HTTP, no sign-in, no JSON); returns the changes."""
    from server.models import User
    from server.services.sync.pull import DEFAULT_LIMIT, changes_page, parse_cursor

    user, cursor, changes = session.get(User, shopper_id), "", 0
    while True:
        page = changes_page(session, user, parse_cursor(cursor), limit or DEFAULT_LIMIT)
        changes, cursor = changes + len(page.changes), page.cursor
        if not page.more:
            session.rollback()
            return changes


def raw_select(engine, shopper_id: int) -> int:
    """The hand-written SELECTs of the rows the phone holds; returns how many rows came back."""
    from server.models.types import utcnow

    since = (utcnow() - timedelta(days=14)).replace(tzinfo=None)
    rows = 0
    with engine.connect() as conn:
        for sql in RAW:
            rows += len(conn.execute(text(sql), {"s": shopper_id, "since": since, "yes": True}).all())
    return rows


def run_size(
    visits: int, postgres: str | None, repeat: int, limit: int | None, *, branches: int = 500, shoppers: int = 50
) -> dict:
    """Build one size on one database and time the pull against the raw SELECT."""
    from server.extensions import db
    from server.models import User
    from server.services.accounts.tokens import issue_token

    with scratch_app(postgres) as app:
        started = time.perf_counter()
        world = build_world(db.session, visits=visits, branches=branches, shoppers=shoppers)
        built = time.perf_counter() - started
        shopper = db.session.get(User, world.shopper_ids[0])
        token, shopper_id = issue_token(db.session, shopper, "Benchmark phone")[1], shopper.id
        db.session.commit()  # services flush; whoever calls them commits
        db.session.remove()
        client = new_client(app)  # one app context per request, as a server worker gives
        load_before = os.getloadavg()[0]
        with statements_per_request(db.engine) as counts:
            started = time.perf_counter()
            pages, changes, most = full_pull(client, token, limit, counts)
            first = time.perf_counter() - started
        pulls, services, raws, cpu_pulls, cpu_raws = [], [], [], [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            full_pull(client, token, limit)
            pulls.append(time.perf_counter() - started)
            cpu_pulls.append(time.process_time() - started_cpu)
            started = time.perf_counter()
            service_pull(db.session, shopper_id, limit)
            services.append(time.perf_counter() - started)
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = raw_select(db.engine, shopper_id)
            raws.append(time.perf_counter() - started)
            cpu_raws.append(time.process_time() - started_cpu)
        if not repeat:  # --repeat 0: the counted pull alone (for slow code), against one raw SELECT
            pulls, services, raws = [first], [float("nan")], [_clock(lambda: raw_select(db.engine, shopper_id))]
            rows = raw_select(db.engine, shopper_id)
        pull, service, raw = statistics.median(pulls), statistics.median(services), statistics.median(raws)
        cpu_raw = statistics.median(cpu_raws) if cpu_raws else float("nan")
        cpu_ratio = statistics.median(cpu_pulls) / cpu_raw if cpu_raws and cpu_raw else float("nan")
        return {
            "visits": visits,
            "db": "postgresql" if postgres else "sqlite",
            "built": built,
            "pull": pull,
            "pages": pages,
            "changes": changes,
            "statements": most,
            "raw": raw,
            "rows": rows,
            "ratio": pull / raw if raw else float("nan"),
            "service": service,
            "service_ratio": service / raw if raw else float("nan"),
            "cpu_ratio": cpu_ratio,
            "load": (load_before, os.getloadavg()[0]),
        }


def _clock(run) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Print the table; one line per size and database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (a scratch schema)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (0: time only the first pull)")
    parser.add_argument("--limit", type=int, help="page size the phone asks for (default: the server's)")
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--shoppers", type=int, default=50)
    args = parser.parse_args(argv)
    databases = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    print(
        f"{'visits':>8} {'db':<10} {'build s':>8} {'pull s':>8} {'pages':>5} {'changes':>7} {'stmt/pg':>7} "
        f"{'raw s':>8} {'rows':>6} {'ratio':>6} {'service s':>9} {'ratio':>6} {'cpu':>5}  load avg"
    )
    for visits in args.visits:
        for database in databases:
            r = run_size(visits, database, args.repeat, args.limit, branches=args.branches, shoppers=args.shoppers)
            print(
                f"{r['visits']:>8} {r['db']:<10} {r['built']:>8.1f} {r['pull']:>8.3f} {r['pages']:>5} "
                f"{r['changes']:>7} {r['statements']:>7} {r['raw']:>8.4f} {r['rows']:>6} {r['ratio']:>6.1f} "
                f"{r['service']:>9.4f} {r['service_ratio']:>6.1f} {r['cpu_ratio']:>5.1f}  "
                f"{r['load'][0]:.2f} -> {r['load'][1]:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
