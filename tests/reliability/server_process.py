"""The production command, `fieldaudit run` (gunicorn), as a real process on a free port: killable (the whole
process group, master and workers, like a crashed machine) and restartable on the same database."""

from __future__ import annotations

import copy
import os
import re
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

# One launcher for tests and benchmarks: the venv's console script, a free loopback port (benchmarks/topology.py).
from benchmarks.topology import FIELDAUDIT, ROOT, fieldaudit_command, free_port  # noqa: E402,F401 - re-exported
from tests.mobile.live import PASSWORD


class ServerProcess:
    """One server process at a time on ``database_url``; kill() is SIGKILL, start() brings up a new one.

    ``options`` go to `fieldaudit run` (e.g. ["--workers", "3"]); ``extra_env`` adds FIELDAUDIT_* settings
    (e.g. the Redis rate-limit storage that several workers need) or, with None, removes one (no
    FIELDAUDIT_DATABASE_URL: the embedded SQLite database of the instance folder, as `scripts/serve` runs).
    """

    def __init__(
        self,
        database_url: str,
        folder: Path,
        options: list[str] | None = None,
        extra_env: dict[str, str | None] | None = None,
    ) -> None:
        self.database_url, self.folder = database_url, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.options = list(options or [])
        self.extra_env = dict(extra_env or {})
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = self.kills = 0
        self.log = folder / "server.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "FIELDAUDIT_DATABASE_URL": self.database_url or "",
                "FIELDAUDIT_INSTANCE_PATH": str(self.folder / "instance"),
                "FIELDAUDIT_SECRET_KEY": "reliability-tests",
                "FIELDAUDIT_PHOTO_STORAGE_PATH": str(self.folder / "photos"),
                "FIELDAUDIT_FILE_STORAGE_PATH": str(self.folder / "files"),
                "FIELDAUDIT_LOGIN_RATE_LIMIT": "10000 per minute",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
            }
        )
        for key, value in self.extra_env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The documented production command on this server's port."""
        return [*fieldaudit_command(), "run", "--host", "127.0.0.1", "--port", str(self.port), *self.options]

    def start(self, timeout: float = 60, port: int | None = None, wait: bool = True) -> None:
        """Start the command and (unless not `wait`) wait until the API answers."""
        self.port = port or free_port()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(),
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(self.folder),
                start_new_session=True,
            )
        self.starts += 1
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}: {self.output()[-2000:]}")
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"the server did not answer within {timeout}s: {self.output()[-2000:]}")

    def output(self) -> str:
        """Everything the server printed (stdout and stderr) since this object was made."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_output(self, text: str, timeout: float = 60) -> str:
        """Wait until the server printed `text`; the output so far. Fails if the server exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.output()
            if text in output:
                return output
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"the server exited before printing {text!r}: {output[-2000:]}")
            time.sleep(0.02)
        raise RuntimeError(f"the server did not print {text!r} within {timeout}s: {self.output()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to gunicorn's master and workers at once: no shutdown handler runs, open transactions die."""
        if self.proc is not None and self.proc.poll() is None:
            _kill_group(self.proc)
            self.proc.wait(10)
            self.kills += 1
        self.proc = None

    def stop(self) -> int | None:
        """SIGTERM (gunicorn's graceful stop); SIGKILL to the group if it takes too long. The exit status."""
        status = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(40)
                except subprocess.TimeoutExpired:
                    _kill_group(self.proc)
                    self.proc.wait(10)
            status = self.proc.returncode
            _kill_group(self.proc)  # a worker left behind must not outlive the test
        self.proc = None
        return status


def run_fieldaudit(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120, input_text: str | None = None
) -> subprocess.CompletedProcess:
    """Run one `fieldaudit` command to its end (stdout and stderr apart), in its own process group."""
    return subprocess.run(
        [*fieldaudit_command(), *args],
        env=env,
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        input=input_text,
    )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


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

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "reliability-tests",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PHOTO_STORAGE_PATH": str(folder / "photos"),
            "FILE_STORAGE_PATH": str(folder / "files"),
            "REDIS_URL": None,
            "JOB_SCHEDULER": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )


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


def seed_org(
    database_url: str, folder: Path, definition: dict[str, Any], shoppers: int, assignments_each: int = 0
) -> Org:
    from datetime import date, timedelta

    from server.database import upgrade_schema
    from server.services.accounts.users import create_user
    from server.services.checklists.versions import import_template
    from server.services.org.organisation import create_assignment, create_branch, create_region
    from server.services.transactions import atomic

    tag = uuid.uuid4().hex[:6]
    with server_db(database_url, folder) as s:
        upgrade_schema()
        with atomic(s):
            users = [
                create_user(
                    s,
                    email=f"shopper{n}-{tag}@example.test",
                    name=f"Shopper {n}",
                    role="shopper",
                    password=PASSWORD,
                    temporary=False,
                )
                for n in range(shoppers)
            ]
            region = create_region(s, code=f"R{tag}", name="Region")
            branch = create_branch(
                s, region=region, code=f"B{tag}", name="Branch", address="1 High Street", latitude=51.5, longitude=-0.12
            )
            version = import_template(s, copy.deepcopy(definition), publish=True)
            template = version.template
            made = {
                u.id: [
                    str(
                        create_assignment(
                            s,
                            shopper=u,
                            branch=branch,
                            template=template,
                            due_from=date.today(),
                            due_to=date.today() + timedelta(days=7),
                            notes="",
                        ).id
                    )
                    for _ in range(assignments_each)
                ]
                for u in users
            }
            return Org([(u.id, u.email) for u in users], branch.id, template.id, version.id, made)


def server_totals(database_url: str, folder: Path) -> dict[str, Any]:
    """Counts and per-visit records straight from the server's database."""
    from sqlalchemy import func, select

    from server.models import Answer, Photo, Visit, VisitRevision

    with server_db(database_url, folder) as s:

        def count(model, *where):
            return s.scalar(select(func.count()).select_from(model).where(*where))

        visits = {
            str(v.id): {
                "status": v.status.value,
                "score": v.score_percent,
                "revision": v.revision,
                "shopper_id": v.shopper_id,
            }
            for v in s.scalars(select(Visit))
        }
        photos = {str(p.id): p.sha256 for p in s.scalars(select(Photo).where(Photo.completed_at.is_not(None)))}
        return {
            "visits": count(Visit),
            "revisions": count(VisitRevision),
            "answers": count(Answer),
            "photos": count(Photo),
            "complete_photos": photos,
            "records": visits,
        }


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
WHO = re.compile(r'<(?:span|a) class="who"[^>]*>([^<]*)</(?:span|a)>')


def csrf_token_in(html: str) -> str | None:
    """The CSRF token of the first form on a page, None if there is no form with one."""
    match = CSRF_FIELD.search(html)
    return (match.group(1) or match.group(2)) if match else None


def signed_in_as(html: str) -> str | None:
    """Who the top bar says is signed in ("Name · role"), None on a page for nobody."""
    match = WHO.search(html)
    return unescape(match.group(1)).strip() if match else None


def web_sign_in(
    session: requests.Session, url: str, email: str, password: str = PASSWORD, totp_secret: str | None = None
) -> requests.Response:
    """Sign in through the real form, as a browser does (GET the form and its CSRF token, POST it); the last POST's
    answer. With `totp_secret`, the code step that follows is answered with the authenticator's current code."""
    answer = _post_form(session, url, "/login", {"email": email, "password": password})
    if totp_secret and urlsplit(answer.headers.get("Location", "")).path == "/login/code":
        from server.services.accounts.mfa import STEP_SECONDS, code_for

        answer = _post_form(
            session, url, "/login/code", {"code": code_for(totp_secret, int(time.time()) // STEP_SECONDS)}
        )
    return answer


def _post_form(session: requests.Session, url: str, path: str, data: dict) -> requests.Response:
    """GET the page's form and its CSRF token, POST `data` with it; the POST answer (redirects not followed)."""
    page = session.get(url + path, timeout=30)
    page.raise_for_status()
    token = csrf_token_in(page.text)
    assert token, f"no CSRF token on {path}: {page.status_code} {page.text[:300]}"
    return session.post(url + path, data={**data, "csrf_token": token}, allow_redirects=False, timeout=30)


def api_sign_in(url: str, email: str, device: str, password: str = PASSWORD) -> dict:
    """POST /api/v1/auth/tokens: the issued token's JSON (token, id, ...)."""
    answer = requests.post(
        url + "/api/v1/auth/tokens",
        json={"email": email, "password": password, "device_name": device},
        headers={"Connection": "close"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def redis_rate_limits():
    """FIELDAUDIT_* settings that put the rate limits in the local Redis under a prefix of their own; the keys
    are deleted afterwards. Yields (env, prefix, client)."""
    import redis

    prefix = f"fa-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        yield (
            {"FIELDAUDIT_RATELIMIT_STORAGE_URI": REDIS_URL, "FIELDAUDIT_RATELIMIT_KEY_PREFIX": prefix},
            prefix,
            client,
        )
    finally:
        for key in client.scan_iter(match=f"*{prefix}*", count=1000):
            client.delete(key)
        client.close()
