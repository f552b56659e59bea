"""The load benchmark runs end to end on the production topology (gunicorn, a worker, Redis, PostgreSQL), tiny
(no timing asserted): every call type is exercised and none fails."""

from __future__ import annotations

import os
import re

import pytest
from redis import Redis

from benchmarks.load import CALL_TYPES, main
from benchmarks.topology import REDIS_URL

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the production topology runs on PostgreSQL (TEST_DATABASE_URL)"
)

TINY = [
    "--phones",
    "2",
    "--managers",
    "1",
    "--visits",
    "200",
    "--branches",
    "5",
    "--workers",
    "2",
    "--job-workers",
    "1",
    "--seconds",
    "3",
    "--pull-every",
    "0.5",
    "--push-every",
    "1",
    "--browse-every",
    "1",
]


def processes_of_run(queue: str) -> set[int]:
    """Pids of every process started with this run's queue in its environment (orphans of a dead parent too; the
    other pytest workers' servers have queues of their own)."""
    marker = f"FIELDAUDIT_JOB_QUEUE={queue}".encode()
    found = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if marker in f.read().split(b"\0"):
                    found.add(int(entry.name))
        except OSError:
            continue
    return found


def test_a_tiny_load_run_reports_every_call_type_with_no_errors_and_leaves_nothing_running(capsys):
    result = main(TINY)
    out = capsys.readouterr().out

    assert result["errors"] == {}, out
    assert set(result["table"]) == set(CALL_TYPES), out
    assert all(row["count"] > 0 for row in result["table"].values()), out
    for phase in ("quiet", "report jobs", "sync PDFs"):
        assert re.search(rf"^{phase}\s+\d+\s+\d+\s+\d+\s+\d+", out, re.MULTILINE), out
    assert processes_of_run(result["queue"]) == set(), "a server or worker process outlived the run"
    redis = Redis.from_url(REDIS_URL)
    try:
        assert not list(redis.scan_iter(match=f"*{result['queue']}*", count=1000)), (
            "the run's Redis keys were left behind"
        )
    finally:
        redis.close()
