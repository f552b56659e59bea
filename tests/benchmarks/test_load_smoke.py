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


def _running_fieldaudit() -> set[int]:
    """Pids of `fieldaudit run` / `fieldaudit worker` processes started from this checkout."""
    from benchmarks.topology import FIELDAUDIT

    found = set()
    for cmdline in os.scandir("/proc"):
        if not cmdline.name.isdigit():
            continue
        try:
            with open(f"/proc/{cmdline.name}/cmdline", "rb") as f:
                words = f.read().split(b"\0")
        except OSError:
            continue
        if str(FIELDAUDIT).encode() in words and (b"run" in words or b"worker" in words):
            found.add(int(cmdline.name))
    return found


def test_a_tiny_load_run_reports_every_call_type_with_no_errors_and_leaves_nothing_running(capsys):
    before = _running_fieldaudit()
    result = main(TINY)
    out = capsys.readouterr().out

    assert result["errors"] == {}, out
    assert set(result["table"]) == set(CALL_TYPES), out
    assert all(row["count"] > 0 for row in result["table"].values()), out
    for phase in ("quiet", "report jobs", "sync PDFs"):
        assert re.search(rf"^{phase}\s+\d+\s+\d+\s+\d+\s+\d+", out, re.MULTILINE), out
    assert _running_fieldaudit() - before == set(), "a server or worker process outlived the run"
    redis = Redis.from_url(REDIS_URL)
    try:
        assert not list(redis.scan_iter(match=f"*{result['queue']}*", count=1000)), (
            "the run's Redis keys were left behind"
        )
    finally:
        redis.close()
