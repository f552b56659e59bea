"""Roll-up and report benchmark: `python -m benchmarks.league [--postgres URL]` (see benchmarks/README.md).

Builds a scratch database (500 branches in one region, 100,000 approved visits with section scores over
a year), then times, side by side in one run, the score services against hand-written SQL GROUP BY
queries on the same data, and the PDF reports (seconds per visit report and per 500-branch region report).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import bindparam, text

from .dataset import populate, scratch_app
from .timing import clock, compare, ms

COUNTED = (
    "v.status = 'approved' AND v.finished_at >= :lo AND v.finished_at < :hi "
    "AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.visit_id = v.id AND p.completed_at IS NULL)"
)
IN_REGION = "JOIN branches b ON b.id = v.branch_id WHERE b.region_id = :region AND "
HAND = {
    "league": "SELECT v.branch_id, COUNT(*), AVG(v.score_percent) FROM visits v "
    + IN_REGION
    + COUNTED
    + " GROUP BY v.branch_id",
    "league, both periods": "SELECT v.branch_id, CASE WHEN v.finished_at >= :lo THEN 1 ELSE 0 END AS cur, COUNT(*), "
    "AVG(v.score_percent) FROM visits v "
    + IN_REGION
    + COUNTED.replace(":lo", ":previous")
    + " GROUP BY v.branch_id, cur",
    "region trend": "SELECT {month} AS m, COUNT(*), AVG(v.score_percent) FROM visits v "
    + IN_REGION
    + COUNTED
    + " GROUP BY m",
    "branch trend": "SELECT {week} AS w, COUNT(*), AVG(v.score_percent) FROM visits v WHERE v.branch_id = :branch "
    "AND " + COUNTED + " GROUP BY w",
    "sections": "SELECT v.branch_id, s.section_key, COUNT(s.percent), AVG(s.percent) FROM visit_section_scores s "
    "JOIN visits v ON v.id = s.visit_id " + IN_REGION + COUNTED + " GROUP BY v.branch_id, s.section_key",
}
BUCKET_SQL = {
    "sqlite": {"month": "strftime('%Y-%m', v.finished_at)", "week": "strftime('%Y-%W', v.finished_at)"},
    "postgresql": {"month": "to_char(v.finished_at, 'YYYY-MM')", "week": "to_char(v.finished_at, 'IYYY-IW')"},
}


def hand_query(session, sql: str, dialect: str, **params):
    """A hand-written query ({month}/{week} filled for the dialect), run and fetched; datetimes bound as stored."""
    from server.models.types import UTCDateTime

    sql = text(sql.format(**BUCKET_SQL[dialect])).bindparams(
        *(bindparam(key, type_=UTCDateTime()) for key in ("lo", "hi", "previous") if f":{key}" in sql)
    )
    return lambda: session.execute(sql, params).all()


def _cold(service, cache):
    """The service with the roll-up cache emptied before each call: the benchmark times the computation."""

    def run():
        if cache is not None:
            cache.clear()
        return service()

    return run


def score_contests(session, data, repeat: int) -> list[tuple[str, float, float]]:
    """(what, service seconds, SQL seconds) for league, trends and sections."""
    from server.models import Branch
    from server.services import scores
    from server.services.scores.cache import current_cache

    dialect = session.get_bind().dialect.name
    quarter = scores.make_scope(session, data.last_day - timedelta(days=89), data.last_day)
    year = scores.make_scope(session, data.first_day, data.last_day)
    branch = session.get(Branch, data.branch_ids[0])
    cases = {
        "league (90 days)": (lambda: scores.region_league(session, data.region, quarter), "league", quarter, {}),
        "league vs both periods' SQL": (
            lambda: scores.region_league(session, data.region, quarter),
            "league, both periods",
            quarter,
            {"previous": quarter.period.previous().bounds()[0]},
        ),
        "region trend (month, 1 year)": (
            lambda: scores.region_trend(session, data.region, year, "month"),
            "region trend",
            year,
            {},
        ),
        "branch trend (week, 1 year)": (
            lambda: scores.branch_trend(session, branch, year, "week"),
            "branch trend",
            year,
            {"branch": branch.id},
        ),
        "branch sections (90 days)": (
            lambda: scores.branch_sections(session, branch, quarter),
            "sections",
            quarter,
            {},
        ),
    }
    results = []
    cache = current_cache()
    for label, (service, name, scope, extra) in cases.items():
        low, high = scope.period.bounds()
        hand = hand_query(session, HAND[name], dialect, region=data.region.id, lo=low, hi=high, **extra)
        timed = compare({"service": _cold(service, cache), "sql": hand}, repeat)
        results.append((label, timed["service"], timed["sql"]))
    return results


def pdf_timings(session, data, repeat: int) -> dict[str, float]:
    """Seconds per visit report (mean over the sample visits) and per region report (median, data and PDF)."""
    from server.services import scores
    from server.services.accounts.shopper_labels import NAMES
    from server.services.reports.data import region_report_data
    from server.services.reports.files import region_pdf, visit_pdf
    from server.services.scores.cache import current_cache
    from server.storage import current_storage

    storage, cache = current_storage(), current_cache()
    visit_times = [clock(lambda v=v: visit_pdf(v, storage, labels=NAMES)) for v in data.sample_visits]
    quarter = scores.make_scope(session, data.last_day - timedelta(days=89), data.last_day)
    region_times = [clock(_cold(lambda: region_pdf(session, data.region, quarter), cache)) for _ in range(repeat)]
    data_times = [clock(_cold(lambda: region_report_data(session, data.region, quarter), cache)) for _ in range(repeat)]
    return {
        "visit report": statistics.mean(visit_times) if visit_times else float("nan"),
        "region report": statistics.median(region_times),
        "region report data only": statistics.median(data_times),
    }


def run(branches: int, visits: int, repeat: int, samples: int, postgres: str | None = None) -> list[str]:
    """Build the data, run every timing, and return the lines to print."""
    from server.extensions import db

    lines = []
    with scratch_app(postgres):
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        data = populate(db.session, branches=branches, visits=visits, samples=samples)
        lines.append(
            f"{dialect}: {branches} branches, {visits:,} visits with section scores, loaded in "
            f"{time.perf_counter() - started:.1f} s; median of {repeat} interleaved runs"
        )
        lines.append(f"{'':32} {'service':>12} {'hand SQL':>12} {'ratio':>7}")
        for label, service, sql in score_contests(db.session, data, repeat):
            lines.append(f"{label:32} {ms(service):>12} {ms(sql):>12} {service / sql:6.2f}x")
        for label, seconds in pdf_timings(db.session, data, max(1, repeat // 2)).items():
            lines.append(f"{label:32} {seconds:10.3f} s per report")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Command line: print one block of results per database."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.league", description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per contender (median reported)")
    parser.add_argument("--samples", type=int, default=10, help="real visits recorded for the visit-report timing")
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (a scratch schema, dropped after)")
    args = parser.parse_args(argv)
    for target in [None] + ([args.postgres] if args.postgres else []):
        for line in run(args.branches, args.visits, args.repeat, args.samples, target):
            print(line, flush=True)
        print()


if __name__ == "__main__":
    main()
