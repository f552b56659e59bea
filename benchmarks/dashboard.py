"""The manager dashboard, a branch page and the region PDF at growing sizes: time and statements per request.

    .venv/bin/python -m benchmarks.dashboard                        # 10k and 100k visits, SQLite
    .venv/bin/python -m benchmarks.dashboard --postgres postgresql://postgres@127.0.0.1:5432/test --no-sqlite

Per size and database it builds a scratch organisation with benchmarks/world.py (500 branches, 50 shoppers,
the demo checklist, answers included) and marks the critical question failed in every visit of one branch in
ten, so the dashboard has failures to list. A manager of the region signs in through the login form; then
each page is fetched through the Flask test client (one app context per request, as a worker gives): once
cold (roll-up cache emptied first, where the code has one) and `--repeat` times warm. It prints the
statements and the median seconds of each, and the load average around the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from sqlalchemy import event, text

from benchmarks.dataset import scratch_app
from benchmarks.world import build_world

PAGES = ("dashboard", "branch page", "region PDF")


class Counter:
    """Statements sent on an engine (transaction bookkeeping left out), reset per request."""

    SKIPPED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "LOCK TABLE")

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(self.SKIPPED):
            self.count += 1


def _fail_some(session, world) -> int:
    """Fail the checklist's first critical question in every visit of one branch in ten; returns the visits hit."""
    from server.models import TemplateVersion
    from server.services.checklists.versions import checklist_of
    from server.services.scores.question_days import rebuild

    checklist = checklist_of(session.get(TemplateVersion, world.version_id))
    key = next(q.key for s in checklist.sections for q in s.questions if q.critical)
    chosen = "SELECT id FROM visits WHERE MOD(branch_id, 10) = 0"
    session.execute(
        text(
            f"UPDATE answers SET critical_failure = TRUE, earned = 0 WHERE question_key = :key "
            f"AND possible > 0 AND visit_id IN ({chosen})"
        ),
        {"key": key},
    )
    hit = session.execute(text(f"UPDATE visits SET critical_failures = 1 WHERE id IN ({chosen})")).rowcount
    rebuild(session)  # the answers changed by SQL, past the hooks that keep the stored roll-ups
    session.commit()
    return hit


def _manager(session, world):
    """A manager of the benchmark region with a known password (no second factor)."""
    from werkzeug.security import generate_password_hash

    from server.models import Region, Role, User

    user = User(
        email="manager@bench.test",
        name="Bench Manager",
        role=Role.MANAGER,
        password_hash=generate_password_hash("bench-password-1234", method="scrypt:1024:8:1"),
    )
    user.regions = [session.get(Region, world.region_id)]
    session.add(user)
    session.commit()
    return user.email, "bench-password-1234"


def _empty_cache(app) -> None:
    """Empty the roll-up cache if this code has one (older code has none)."""
    cache = app.extensions.get("rollup_cache")
    if cache is not None:
        cache.clear()


def _fetch(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])


def run_size(visits: int, postgres: str | None, repeat: int) -> list[dict]:
    """Build one size on one database; time and count each page cold and warm."""
    from server.extensions import db
    from tests.clients import new_client
    from tests.server.auth_helpers import web_login

    rows = []
    with scratch_app(postgres) as app:
        started = time.perf_counter()
        world = build_world(db.session, visits=visits, answers=True)
        failed = _fail_some(db.session, world)
        built = time.perf_counter() - started
        email, password = _manager(db.session, world)
        db.session.remove()
        client = new_client(app)  # one app context per request, as a server worker gives
        assert web_login(client, email, password).status_code == 302
        last = world.last_day
        period = f"from={(last - timedelta(days=89)).isoformat()}&to={last.isoformat()}"
        urls = {
            "dashboard": f"/dashboard/?region={world.region_id}&{period}",
            "branch page": f"/dashboard/branches/{world.branch_ids[9]}?{period}",
            "region PDF": f"/reports/regions/{world.region_id}.pdf?{period}",
        }
        counter = Counter(db.engine)
        for page, url in urls.items():
            load = os.getloadavg()[0]
            _empty_cache(app)
            counter.count = 0
            started = time.perf_counter()
            _fetch(client, url)
            cold, cold_statements = time.perf_counter() - started, counter.count
            warm = []
            for _ in range(repeat):
                counter.count = 0
                started = time.perf_counter()
                _fetch(client, url)
                warm.append(time.perf_counter() - started)
            rows.append(
                {
                    "visits": visits,
                    "db": "postgresql" if postgres else "sqlite",
                    "built": built,
                    "failed": failed,
                    "page": page,
                    "cold": cold,
                    "cold_statements": cold_statements,
                    "warm": statistics.median(warm) if warm else float("nan"),
                    "warm_statements": counter.count,
                    "load": (load, os.getloadavg()[0]),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print one line per size, database and page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (a scratch schema)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3, help="warm requests per page (median reported)")
    args = parser.parse_args(argv)
    databases = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    print(
        f"{'visits':>8} {'db':<10} {'build s':>7} {'page':<12} {'cold s':>7} {'stmts':>5} {'warm s':>7} "
        f"{'stmts':>5}  load avg",
        flush=True,
    )
    for visits in args.visits:
        for database in databases:
            for r in run_size(visits, database, args.repeat):
                print(
                    f"{r['visits']:>8} {r['db']:<10} {r['built']:>7.1f} {r['page']:<12} {r['cold']:>7.3f} "
                    f"{r['cold_statements']:>5} {r['warm']:>7.3f} {r['warm_statements']:>5}  "
                    f"{r['load'][0]:.2f} -> {r['load'][1]:.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
