"""`fieldaudit run --no-demo` as a real process on a free port, killable and restartable on the same database."""
from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.mobile.live import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
FIELDAUDIT = ROOT / ".venv" / "bin" / "fieldaudit"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One server process at a time on ``database_url``; kill() is SIGKILL, start() brings up a new one."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url, self.folder = database_url, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = self.kills = 0
        self.log = folder / "server.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "FIELDAUDIT_DATABASE_URL": self.database_url,
            "FIELDAUDIT_INSTANCE_PATH": str(self.folder / "instance"),
            "FIELDAUDIT_SECRET_KEY": "reliability-tests",
            "FIELDAUDIT_PHOTO_STORAGE_PATH": str(self.folder / "photos"),
            "FIELDAUDIT_LOGIN_RATE_LIMIT": "10000 per minute",
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        })
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self.port = free_port()
        command = [str(FIELDAUDIT) if FIELDAUDIT.exists() else sys.executable, "run", "--no-demo",
                   "--host", "127.0.0.1", "--port", str(self.port)]
        if not FIELDAUDIT.exists():
            command[1:1] = ["-m", "server.cli"]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(command, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                         cwd=str(self.folder))
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"the server did not answer within {timeout}s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with the process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.kills += 1
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


@dataclass
class Org:
    """What the phones need on the server: shoppers (email), a branch, a published checklist, assignments."""

    shoppers: list[tuple[int, str]]
    branch_id: int
    template_id: int
    version_id: int
    assignments: dict[int, list[str]]


def server_app(database_url: str, folder: Path):
    from server import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "reliability-tests", "SQLALCHEMY_DATABASE_URI": database_url,
                       "PHOTO_STORAGE_PATH": str(folder / "photos"), "RATELIMIT_STORAGE_URI": "memory://",
                       "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})


@contextmanager
def server_db(database_url: str, folder: Path):
    """An app context on the server's database, for the test to seed and inspect it."""
    from server.extensions import db

    app = server_app(database_url, folder)
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()
            db.engine.dispose()


def seed_org(database_url: str, folder: Path, definition: dict[str, Any], shoppers: int,
             assignments_each: int = 0) -> Org:
    from datetime import date, timedelta

    from server.database import upgrade_schema
    from server.services.accounts import create_user
    from server.services.checklists import import_template
    from server.services.org import create_assignment, create_branch, create_region

    tag = uuid.uuid4().hex[:6]
    with server_db(database_url, folder) as s:
        upgrade_schema()
        users = [create_user(s, email=f"shopper{n}-{tag}@example.test", name=f"Shopper {n}", role="shopper",
                             password=PASSWORD, temporary=False) for n in range(shoppers)]
        region = create_region(s, code=f"R{tag}", name="Region")
        branch = create_branch(s, region=region, code=f"B{tag}", name="Branch", address="1 High Street",
                               latitude=51.5, longitude=-0.12)
        version = import_template(s, copy.deepcopy(definition), publish=True)
        template = version.template
        made = {u.id: [str(create_assignment(s, shopper=u, branch=branch, template=template, due_from=date.today(),
                                             due_to=date.today() + timedelta(days=7), notes="").id)
                       for _ in range(assignments_each)] for u in users}
        return Org([(u.id, u.email) for u in users], branch.id, template.id, version.id, made)


def server_totals(database_url: str, folder: Path) -> dict[str, Any]:
    """Counts and per-visit records straight from the server's database."""
    from sqlalchemy import func, select

    from server.models import Answer, Photo, Visit, VisitRevision

    with server_db(database_url, folder) as s:
        def count(model, *where):
            return s.scalar(select(func.count()).select_from(model).where(*where))
        visits = {str(v.id): {"status": v.status.value, "score": v.score_percent, "revision": v.revision,
                              "shopper_id": v.shopper_id} for v in s.scalars(select(Visit))}
        photos = {str(p.id): p.sha256 for p in s.scalars(select(Photo).where(Photo.completed_at.is_not(None)))}
        return {"visits": count(Visit), "revisions": count(VisitRevision), "answers": count(Answer),
                "photos": count(Photo), "complete_photos": photos, "records": visits}
