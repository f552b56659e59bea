"""The production topology on loopback for benchmarks: `fieldaudit run` (gunicorn) and `fieldaudit worker` processes
sharing one database and a Redis queue of their own; every process and Redis key is gone when the block ends.

    with production(database_url, folder, web_workers=4, job_workers=2) as site:
        requests.get(site.url + "/api/v1/openapi.json")

The first worker runs the periodic scheduler, the others `--no-scheduler`. The queue, the rate-limit prefix and the
folders are this run's own, so runs beside other engineers' tests do not meet.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
FIELDAUDIT = ROOT / ".venv" / "bin" / "fieldaudit"
REDIS_URL = "redis://127.0.0.1:6379/0"
START_SECONDS = 90


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fieldaudit_command() -> list[str]:
    """`.venv/bin/fieldaudit`, or the same entry point through this interpreter when there is no venv script."""
    if FIELDAUDIT.exists():
        return [str(FIELDAUDIT)]
    return [sys.executable, "-c", "from server.cli.console import main; main()"]


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (RQ starts its work horses in sessions of their own: the group misses them)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Process:
    """One `fieldaudit` command in a process group of its own, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], folder: Path, name: str, nice: int = 0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / f"{name}.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [*(["nice", "-n", str(nice)] if nice else []), *fieldaudit_command(), *args],
                env=env,
                cwd=str(folder),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, grace: float = 30) -> None:
        """SIGTERM to the group (gunicorn's graceful stop, RQ's warm shutdown), then SIGKILL to whatever is left."""
        others = descendants(self.proc.pid)
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(self.proc.pid, signal.SIGKILL)
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(pid: int, number: int) -> None:
    try:
        os.killpg(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Site:
    """The running topology: where the web server answers, and its processes (for their logs)."""

    url: str
    web: Process
    workers: list[Process]
    queue: str

    def alive(self) -> str | None:
        """None while every process runs; else which one exited, with the end of its log."""
        for process in [self.web, *self.workers]:
            if process.proc.poll() is not None:
                return f"{process.log.name} exited with {process.proc.returncode}: {process.output()[-1500:]}"
        return None


def site_env(database_url: str, folder: Path, name: str) -> dict[str, str]:
    """What the web server and the workers share: the database, the files, this run's queue and rate-limit keys."""
    env = dict(os.environ)
    env.update(
        {
            "FIELDAUDIT_DATABASE_URL": database_url,
            "FIELDAUDIT_INSTANCE_PATH": str(folder / "instance"),
            "FIELDAUDIT_SECRET_KEY": "benchmark-" + uuid.uuid4().hex,
            "FIELDAUDIT_PHOTO_STORAGE_PATH": str(folder / "photos"),
            "FIELDAUDIT_FILE_STORAGE_PATH": str(folder / "files"),
            "FIELDAUDIT_REDIS_URL": REDIS_URL,
            "FIELDAUDIT_JOB_QUEUE": name,
            "FIELDAUDIT_RATELIMIT_KEY_PREFIX": name,
            "FIELDAUDIT_LOGIN_RATE_LIMIT": "100000 per minute",  # every simulated phone signs in from 127.0.0.1
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    return env


def _wait_until_up(url: str, web: Process) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if web.proc.poll() is not None:
            raise RuntimeError(f"the server exited with {web.proc.returncode}: {web.output()[-2000:]}")
        try:
            if requests.get(url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s: {web.output()[-2000:]}")


def _forget_queue(name: str) -> None:
    """Delete every Redis key of this run (the queue, its jobs and registries, the rate-limit counters)."""
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(REDIS_URL)
    try:
        Queue(name, connection=redis).delete(delete_jobs=True)
        for key in redis.scan_iter(match=f"*{name}*", count=1000):
            redis.delete(key)
    finally:
        redis.close()


@contextmanager
def production(
    database_url: str, folder: Path, *, web_workers: int, job_workers: int, job_nice: int = 0
) -> Iterator[Site]:
    """Start the web server and `job_workers` workers on `database_url` (at niceness `job_nice`: a lower CPU priority
    than the web server's); stop them all and forget the queue after."""
    name = f"fa-bench-{uuid.uuid4().hex[:10]}"
    env = site_env(database_url, folder, name)
    port = free_port()
    with ExitStack() as stack:
        stack.callback(_forget_queue, name)
        web = Process(
            ["run", "--host", "127.0.0.1", "--port", str(port), "--workers", str(web_workers)], env, folder, "server"
        )
        stack.callback(web.stop)
        workers = []
        for n in range(job_workers):
            options = [] if n == 0 else ["--no-scheduler"]
            worker = Process(["worker", *options], env, folder, f"worker-{n + 1}", job_nice)
            stack.callback(worker.stop)
            workers.append(worker)
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, web)
        site = Site(url, web, workers, name)
        if problem := site.alive():
            raise RuntimeError(problem)
        yield site
