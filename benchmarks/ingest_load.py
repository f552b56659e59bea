"""Open-loop push load against the production command: single-visit pushes at a fixed rate, latency percentiles.

    .venv/bin/python -m benchmarks.ingest_load                                 # SQLite file, 100/s for 30 s
    .venv/bin/python -m benchmarks.ingest_load --postgres postgresql://postgres@127.0.0.1:5432/test

It seeds a scratch database (a temporary SQLite file or a throw-away PostgreSQL schema): one region, one
branch, the demo checklist (ad-hoc visits allowed) and `--shoppers` shoppers with a bearer token each, then
starts `fieldaudit run --workers N` (gunicorn, as tests/reliability/server_process.py starts it; rate limits
in the local Redis, as several workers need). Pushes are sent on a fixed schedule (`--rate` per second for
`--seconds`), each a POST /api/v1/sync/push of one visit (the phones take turns), whatever the server's
answers: an open loop, so a slow server builds a queue and the latency, counted from each push's scheduled
time, shows it. It prints pushes completed, the rate achieved, latency p50/p90/p99/max, failures, the load
average before and after, and the CPU time per push of the server (gunicorn's master and workers) and of the
load generator itself, against the cores there are: the rate this machine could sustain at best.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from benchmarks.visit_documents import definition, visit_document
from tests.reliability.server_process import ServerProcess, redis_rate_limits, server_db


def seed(url: str, folder: Path, shoppers: int) -> tuple[list[str], int, int]:
    """Shoppers with tokens, a branch they work at, the published demo checklist: (tokens, version id, branch id)."""
    from datetime import date, timedelta

    from server.database import upgrade_schema
    from server.models import Role, User
    from server.services.accounts.tokens import issue_token
    from server.services.checklists.versions import import_template
    from server.services.org.organisation import create_assignment, create_branch, create_region

    with server_db(url, folder) as s:
        upgrade_schema()
        region = create_region(s, code="RL", name="Load region")
        branch = create_branch(
            s, region=region, code="L1", name="Load branch", address="1 High Street", latitude=51.5, longitude=-0.12
        )
        version = import_template(s, definition(), publish=True)
        users = [
            User(email=f"load{n}@example.test", name=f"Load Shopper {n}", role=Role.SHOPPER, password_hash="-")
            for n in range(shoppers)
        ]
        s.add_all(users)
        s.flush()
        for user in users:  # a shopper sees (and may visit ad hoc) the branches of their assignments
            create_assignment(
                s,
                shopper=user,
                branch=branch,
                template=version.template,
                due_from=date.today(),
                due_to=date.today() + timedelta(days=7),
            )
        tokens = [issue_token(s, user, "load phone")[1] for user in users]
        s.commit()
        return tokens, version.id, branch.id


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its descendants (from /proc; 0.0 where there is no /proc)."""
    parents, used = {}, {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(used.get(pid, 0.0) for pid in tree)


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0.0 if it is gone or there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_backends(url: str) -> list[int]:
    """PostgreSQL backend pids serving connections of this URL's application_name (none for SQLite)."""
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).query.get("application_name")
    if not url.startswith("postgresql") or not name:
        return []
    engine = create_engine(make_url(url).update_query_dict({"application_name": "fa_load_probe"}))
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE application_name = :n"), {"n": name}))
    finally:
        engine.dispose()


def own_cpu_seconds() -> float:
    """User + system CPU seconds of this process (the load generator, all its threads)."""
    times = os.times()
    return times.user + times.system


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


def open_loop(url: str, tokens: list[str], documents: list[dict], rate: float) -> dict:
    """Send documents[i] at start + i/rate, each in its own request; latencies from the scheduled times."""
    local = threading.local()
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def send(index: int, due: float) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        token = tokens[index % len(tokens)]
        try:
            answer = session.post(
                url + "/api/v1/sync/push",
                json={"visits": [documents[index]]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            outcome = str(answer.status_code) if answer.status_code != 200 else answer.json()["results"][0]["result"]
        except requests.RequestException as exc:
            outcome = type(exc).__name__
        elapsed = time.perf_counter() - due
        with lock:
            if outcome == "created":
                latencies.append(elapsed)
            else:
                failures[outcome] = failures.get(outcome, 0) + 1

    started = time.perf_counter() + 0.5
    with ThreadPoolExecutor(max_workers=256) as pool:
        for index in range(len(documents)):
            due = started + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(send, index, due)
    finished = time.perf_counter()
    return {"latencies": latencies, "failures": failures, "seconds": finished - started}


def run(url: str, folder: Path, args: argparse.Namespace) -> None:
    tokens, version_id, branch_id = seed(url, folder / "seed", args.shoppers)
    rng = random.Random(2026)
    checklist = definition()
    count = int(args.rate * args.seconds)
    documents = [visit_document(checklist, version_id, branch_id, rng) for _ in range(count)]
    warm = [visit_document(checklist, version_id, branch_id, rng) for _ in range(args.workers * 4)]
    with redis_rate_limits() as (env, _, _client):
        options = ["--workers", str(args.workers)] + (["--threads", str(args.threads)] if args.threads else [])
        server = ServerProcess(url, folder / "server", options, env)
        server.start()
        try:
            open_loop(server.url, tokens, warm, 20)  # every worker imports, connects and loads the checklist once
            before = os.getloadavg()
            server_cpu, client_cpu = tree_cpu_seconds(server.proc.pid), own_cpu_seconds()
            database_cpu = {pid: proc_cpu_seconds(pid) for pid in database_backends(url)}
            result = open_loop(server.url, tokens, documents, args.rate)
            server_cpu = tree_cpu_seconds(server.proc.pid) - server_cpu
            client_cpu = own_cpu_seconds() - client_cpu
            database_cpu = sum(proc_cpu_seconds(pid) - database_cpu.get(pid, 0.0) for pid in database_backends(url))
            after = os.getloadavg()
        finally:
            server.stop()
    latencies = result["latencies"]
    done = len(latencies)
    print(
        f"{'postgresql' if url.startswith('postgresql') else 'sqlite':<10} {count} pushes at {args.rate:g}/s, "
        f"{args.workers} workers x {args.threads or 'default'} threads: {done} created in {result['seconds']:.1f} s "
        f"({done / result['seconds']:.1f}/s)"
    )
    if latencies:
        print(
            f"  latency from schedule: p50 {statistics.median(latencies):.3f} s  p90 {percentile(latencies, 0.9):.3f} s"
            f"  p99 {percentile(latencies, 0.99):.3f} s  max {max(latencies):.3f} s"
        )
    print(f"  not created: {result['failures'] or 'none'}")
    print(
        f"  load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after {after[0]:.2f} {after[1]:.2f} "
        f"{after[2]:.2f}"
    )
    cores = os.cpu_count() or 1
    per_push = (server_cpu + database_cpu + client_cpu) / count
    print(
        f"  CPU per push: server {1000 * server_cpu / count:.1f} ms, database {1000 * database_cpu / count:.1f} ms, "
        f"load generator {1000 * client_cpu / count:.1f} ms; {cores} cores sustain at most {cores / per_push:.0f} "
        "pushes/s with nothing else running",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="pushes per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers of `fieldaudit run`")
    parser.add_argument("--threads", type=int, help="threads per worker (`fieldaudit run --threads`; default its own)")
    parser.add_argument("--shoppers", type=int, default=50, help="phones taking turns (photo quotas are per shopper)")
    parser.add_argument("--postgres", metavar="URL", help="on PostgreSQL (a throw-away schema) instead of SQLite")
    parser.add_argument("--sqlite", action="store_true", help="with --postgres: SQLite too")
    args = parser.parse_args(argv)
    if not args.postgres or args.sqlite:
        folder = Path(tempfile.mkdtemp(prefix="fa-ingest-load-"))
        run(f"sqlite:///{folder / 'load.db'}", folder, args)
    if args.postgres:
        from sqlalchemy import make_url

        from benchmarks.dataset import scratch_schema

        with scratch_schema(args.postgres, "fa_load") as url:  # named, so its backends' CPU can be counted
            url = make_url(url).update_query_dict({"application_name": f"fa_load_{os.getpid()}"})
            run(url.render_as_string(hide_password=False), Path(tempfile.mkdtemp(prefix="fa-ingest-load-")), args)


if __name__ == "__main__":
    main()
