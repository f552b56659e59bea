"""Growth: the full pull, the dashboard, the league and the region PDF against hand-written SQL, at growing sizes.

    .venv/bin/python -m benchmarks.scale                                  # 10k and 100k visits, SQLite
    .venv/bin/python -m benchmarks.scale --visits 300000 --postgres postgresql://postgres@127.0.0.1:5432/test

Per size and database it builds a scratch organisation (benchmarks/world.py: 500 branches, 50 shoppers,
the demo checklist, a seed through the services multiplied in SQL, answers included) and a manager of
its region, then times each request through the Flask test client (one app context per request, as a
server worker gives) against the hand-written SQL for the same answer, interleaved in one run
(benchmarks/timing.py compare: one warm-up each, then medians of --repeat rounds):

- full pull: one shopper's first sync, GET /api/v1/sync/changes page after page (bearer sign-in
  included), against the SELECTs of the rows that phone holds (benchmarks/pull.py);
- dashboard: GET /dashboard/?region=<id> signed in as the manager, against the league of the period
  and of the one before, the weekly trend, the region's weakest questions, its newest critical
  failures with their count and the checklist labels;
- league: GET /api/v1/scores/regions/<id>/league (90 days), against the GROUP BY of benchmarks/league.py;
- region PDF: GET /api/v1/reports/regions/<id>.pdf (90 days), against the queries of its data (league of
  both periods, section grid, weekly trend); the rest of its time is laying out the PDF.

The dashboard, league and PDF run twice: `cold` with the roll-up cache emptied before each request (what
the first request after a new counted visit computes) and `warm` (what every later one gets until the next
change). For each it prints the median time, the statements one request sends (for the pull: the most in one page,
with the pages), the hand-written SQL's median and the ratio, and the load average around the size's run.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.dataset import scratch_app
from benchmarks.league import COUNTED, HAND, IN_REGION, hand_query
from benchmarks.pull import full_pull, raw_select, statements_per_request
from benchmarks.timing import compare
from benchmarks.world import build_world
from tests.clients import new_client
from tests.server.auth_helpers import bearer, web_login

MANAGER_EMAIL, MANAGER_PASSWORD = "manager@bench.test", "a long benchmark passphrase"
ANSWERS = "FROM answers a JOIN visits v ON v.id = a.visit_id " + IN_REGION + COUNTED
TREND_WEEK = HAND["region trend"].replace("{month}", "{week}")
DASHBOARD = [
    HAND["league"],  # this period; the same again for the previous one (see `_hand_dashboard`)
    TREND_WEEK,
    "SELECT a.question_key, COUNT(*), SUM(a.earned), SUM(a.possible) "
    + ANSWERS
    + " AND a.possible > 0 AND a.earned IS NOT NULL GROUP BY a.question_key "
    "ORDER BY SUM(a.earned) / SUM(a.possible), a.question_key LIMIT 10",
    "SELECT a.visit_id, v.branch_id, v.finished_at, a.question_key, a.section_key, a.comment, v.score_percent "
    + ANSWERS
    + " AND a.critical_failure = :yes ORDER BY v.finished_at DESC, v.id, a.position LIMIT 25",
    "SELECT COUNT(*) " + ANSWERS + " AND a.critical_failure = :yes",
    "SELECT t.id, t.definition FROM template_versions t WHERE t.id IN (SELECT DISTINCT v.template_version_id "
    "FROM visits v " + IN_REGION + COUNTED + ")",
]
REGION_PDF = [HAND["league"], HAND["sections"], TREND_WEEK]  # the league also for the previous period


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    visits: int
    db: str
    what: str
    seconds: float
    statements: str
    sql: float
    load: tuple[float, float]

    def line(self) -> str:
        ratio = self.seconds / self.sql if self.sql else float("nan")
        return (
            f"{self.visits:>8} {self.db:<10} {self.what:<16} {self.seconds:>9.3f} {self.statements:>14} "
            f"{self.sql:>9.4f} {ratio:>7.1f}  {self.load[0]:.2f} -> {self.load[1]:.2f}"
        )


HEADER = (
    f"{'visits':>8} {'db':<10} {'what':<16} {'app s':>9} {'statements':>14} {'hand SQL s':>9} {'ratio':>7}  load avg"
)


def _manager(session, region_id: int):
    """A manager of the benchmark region with a password of their own (no temporary one, no second factor)."""
    from server.models import Region
    from server.services.accounts.users import create_user

    manager = create_user(
        session,
        email=MANAGER_EMAIL,
        name="Bench Manager",
        role="manager",
        password=MANAGER_PASSWORD,
        regions=[session.get(Region, region_id)],
        temporary=False,
    )
    session.commit()
    return manager


def _hand_queries(session, queries: list[str], region_id: int, scope) -> Callable[[], None]:
    """Run the hand-written queries for `scope`, with the league query run again for the previous period."""
    dialect = session.get_bind().dialect.name
    low, high = scope.period.bounds()
    before_low, before_high = scope.period.previous().bounds()
    runs = [hand_query(session, sql, dialect, region=region_id, lo=low, hi=high, yes=True) for sql in queries]
    runs.append(hand_query(session, HAND["league"], dialect, region=region_id, lo=before_low, hi=before_high))

    def run() -> None:
        for query in runs:
            query()
        session.rollback()

    return run


def _one_request(client, path: str, counts: list[int] | None, **kwargs) -> int:
    """GET `path` (must answer 200); returns the statements it sent (with a counter to reset, else 0)."""
    if counts is not None:
        counts[0] = 0
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return counts[0] if counts is not None else 0


def _cold(request: Callable, cache) -> Callable:
    """The request with the roll-up cache emptied first: what the first manager after a new visit waits for."""

    def run(counts):
        if cache is not None:
            cache.clear()
        return request(counts)

    return run


def run_size(visits: int, postgres: str | None, repeat: int, *, branches: int = 500, shoppers: int = 50) -> list[Row]:
    """Build one size on one database and time the four requests against their hand-written SQL."""
    from server.extensions import db
    from server.models import User
    from server.services.accounts.tokens import issue_token
    from server.services.scores import make_scope

    with scratch_app(postgres) as app:
        world = build_world(db.session, visits=visits, branches=branches, shoppers=shoppers, answers=True)
        manager = _manager(db.session, world.region_id)
        shopper_token = issue_token(db.session, db.session.get(User, world.shopper_ids[0]), "Benchmark phone")[1]
        manager_token = issue_token(db.session, manager, "Benchmark manager")[1]
        shopper_id, region_id, scope = world.shopper_ids[0], world.region_id, make_scope(db.session)
        db.session.commit()  # services flush; whoever calls them commits
        db.session.remove()
        phone, browser, api = new_client(app), new_client(app), new_client(app)
        signed_in = web_login(browser, MANAGER_EMAIL, MANAGER_PASSWORD)
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
        database, load_before = "postgresql" if postgres else "sqlite", os.getloadavg()[0]
        period = {"from": scope.period.start.isoformat(), "to": scope.period.end.isoformat()}
        cases = {
            "full pull": (
                lambda counts: full_pull(phone, shopper_token, None, counts),
                lambda: raw_select(db.engine, shopper_id),
            ),
            "dashboard": (
                lambda counts: _one_request(browser, "/dashboard/", counts, query_string={"region": region_id}),
                _hand_queries(db.session, DASHBOARD, region_id, scope),
            ),
            "league": (
                lambda counts: _one_request(
                    api,
                    f"/api/v1/scores/regions/{region_id}/league",
                    counts,
                    query_string=period,
                    headers=bearer(manager_token),
                ),
                _hand_queries(db.session, [], region_id, scope),
            ),
            "region PDF": (
                lambda counts: _one_request(
                    api,
                    f"/api/v1/reports/regions/{region_id}.pdf",
                    counts,
                    query_string=period,
                    headers=bearer(manager_token),
                ),
                _hand_queries(db.session, REGION_PDF, region_id, scope),
            ),
        }
        cache = app.extensions.get("rollup_cache")
        for what in ("dashboard", "league", "region PDF"):  # computed afresh, then as every later request finds it
            request, hand = cases.pop(what)
            cases[f"{what} cold"] = (_cold(request, cache), hand)
            cases[f"{what} warm"] = (request, hand)
        statements = {}
        with statements_per_request(db.engine) as counts:  # once each, before and apart from the timing
            for what, (request, _) in cases.items():
                answer = request(counts)
                statements[what] = f"{answer[2]}/page, {answer[0]} pg" if what == "full pull" else str(answer)
        timed = {
            what: compare({"app": lambda r=request: r(None), "sql": hand}, repeat)
            for what, (request, hand) in cases.items()
        }
        load = (load_before, os.getloadavg()[0])
        return [
            Row(visits, database, what, timed[what]["app"], statements[what], timed[what]["sql"], load)
            for what in cases
        ]


def main(argv: list[str] | None = None) -> None:
    """Print the table: four lines per size and database."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (a scratch schema)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds per contender (median reported)")
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--shoppers", type=int, default=50)
    args = parser.parse_args(argv)
    databases = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    print(HEADER, flush=True)
    for visits in args.visits:
        for database in databases:
            for row in run_size(visits, database, args.repeat, branches=args.branches, shoppers=args.shoppers):
                print(row.line(), flush=True)


if __name__ == "__main__":
    main()
