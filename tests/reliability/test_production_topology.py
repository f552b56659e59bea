"""The production topology for real: the documented command, `fieldaudit run --workers 3` (gunicorn, rate limits
in Redis), on SQLite and PostgreSQL, with hundreds of interleaved requests over real HTTP from signed-in admins,
managers and shoppers (web sessions and bearer tokens) and anonymous clients, spread over the workers.

Issue 9: gunicorn forked inside an application context, so `flask.g` (Flask-Login's user, the CSRF token, the
API token id) and the database session of one request answered the next. Here every anonymous request must get
302 to the sign-in page or 401, everyone must see only themselves (`/api/v1/me`, the name in the top bar, their
own tokens), every web sign-in must work (no "form expired", no 500), and CSRF must hold.
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests

from server.models.types import utcnow
from tests.factories import TOTP_SECRET
from tests.mobile.live import PASSWORD
from tests.reliability.server_process import (
    ServerProcess,
    api_sign_in,
    csrf_token_in,
    redis_rate_limits,
    server_db,
    signed_in_as,
    web_sign_in,
)

WORKERS = 3
THREADS = 8  # client threads sending at once
ACTIONS = 480  # about 1,000 requests
SEED = 20261201
TOKEN_ROLES = ("manager", "shopper")  # who also signs in from a phone (an admin's token needs a fresh code each)
CODE_ROLES = ("admin",)  # enrolled in a second factor: their one web sign-in passes the code step
PEOPLE = [
    ("admin", "Ada Admin"),
    ("admin", "Bruno Admin"),
    ("manager", "Chiara Manager"),
    ("manager", "Dmitri Manager"),
    ("shopper", "Emeka Shopper"),
    ("shopper", "Fumiko Shopper"),
    ("shopper", "Gustavo Shopper"),
]
ANONYMOUS_WEB = ["/", "/admin/users", "/dashboard/", "/builder/", "/admin/activity", "/assignments/"]
ANONYMOUS_API = ["/api/v1/me", "/api/v1/auth/tokens", "/api/v1/sync/changes"]
CLOSE = {"Connection": "close"}  # a new connection per request: the workers take turns accepting them


@dataclass
class Person:
    """A signed-in user of the test: a browser session, a phone token, and the ids of all their tokens."""

    role: str
    name: str
    email: str
    browser: requests.Session = field(default_factory=requests.Session)
    token: str | None = None
    token_ids: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time per browser

    @property
    def who(self) -> str:
        return f"{self.name} · {self.role}"


class Traffic:
    """The actions, each checking its answers; problems are collected, never raised from a thread."""

    def __init__(self, url: str, people: list[Person]) -> None:
        self.url, self.people = url, people
        self.problems: list[tuple[str, str]] = []
        self.counts: Counter[str] = Counter()
        self.requests = 0
        self._guard = threading.Lock()

    def send(self, session: requests.Session | None, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 60)
        kw["headers"] = {**CLOSE, **kw.get("headers", {})}
        answer = (session or requests).request(method, self.url + path, **kw)
        with self._guard:
            self.requests += 1
        if answer.headers.get("Server") != "Fieldaudit":
            self.problem("server header", f"{method} {path}: Server: {answer.headers.get('Server')!r}")
        return answer

    def problem(self, kind: str, detail: str) -> None:
        with self._guard:
            self.counts[f"problem: {kind}"] += 1
            self.problems.append((kind, detail))

    def report(self) -> str:
        """Every kind of problem with its count and three examples."""
        kinds = Counter(kind for kind, _ in self.problems)
        lines = [f"{len(self.problems)} problems in {self.requests} requests:"]
        for kind, count in kinds.most_common():
            lines.append(f"  {kind}: {count}")
            lines += [f"    {detail}" for k, detail in self.problems if k == kind][:3]
        return "\n".join(lines)

    def done(self, kind: str) -> None:
        with self._guard:
            self.counts[kind] += 1

    def sign_in_everywhere(self, person: Person) -> None:
        """The person's own browser signs in through the form; with a TOKEN_ROLES role, two phones get tokens."""
        person.browser.headers.update(CLOSE)
        secret = TOTP_SECRET if person.role in CODE_ROLES else None
        signed = web_sign_in(person.browser, self.url, person.email, totp_secret=secret)
        with self._guard:
            self.requests += 2
        if signed.status_code != 302:
            self.problem(
                "sign in",
                f"{person.email} (first sign-in): {signed.status_code} expired={'form expired' in signed.text}",
            )
        if person.role in TOKEN_ROLES:
            issued = [api_sign_in(self.url, person.email, f"Phone {n}") for n in range(2)]
            person.token, person.token_ids = issued[0]["token"], {t["id"] for t in issued}

    # --- anonymous clients: no cookie, no token ---

    def anonymous_page(self, rng: random.Random) -> None:
        path = rng.choice(ANONYMOUS_WEB)
        answer = self.send(None, "GET", path)
        location = urlsplit(answer.headers.get("Location", "")).path
        if answer.status_code != 302 or location != "/login":
            self.problem("anonymous page", f"GET {path}: {answer.status_code} {location!r} {answer.text[:120]!r}")
        self.done("anonymous page")

    def anonymous_api(self, rng: random.Random) -> None:
        path = rng.choice(ANONYMOUS_API)
        answer = self.send(None, "GET", path)
        if answer.status_code != 401:
            self.problem("anonymous api", f"GET {path}: {answer.status_code} {answer.text[:200]!r}")
        self.done("anonymous api")

    # --- signed-in people ---

    def own_pages(self, person: Person, rng: random.Random) -> None:
        """The top bar names this person; admins' pages open, others' admin pages do not; cookies open no API."""
        with person.lock:
            path = "/admin/users" if person.role == "admin" and rng.random() < 0.5 else "/"
            page = self.send(person.browser, "GET", path)
            if page.status_code != 200 or signed_in_as(page.text) != person.who:
                self.problem(
                    "own page", f"{person.who} GET {path}: {page.status_code} top bar {signed_in_as(page.text)!r}"
                )
            if person.role != "admin":
                refused = self.send(person.browser, "GET", "/admin/users")
                if refused.status_code not in (403, 404):
                    self.problem("foreign page", f"{person.who} GET /admin/users: {refused.status_code}")
            cookie_only = self.send(person.browser, "GET", rng.choice(ANONYMOUS_API))
            if cookie_only.status_code != 401:
                self.problem("cookie on the api", f"{person.who}: {cookie_only.status_code} {cookie_only.text[:200]!r}")
        self.done("own page")

    def own_identity(self, person: Person, rng: random.Random) -> None:
        """/api/v1/me with the bearer token names this person."""
        answer = self.send(None, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {person.token}"})
        email = answer.json().get("email") if answer.status_code == 200 else None
        if email != person.email:
            self.problem("api me", f"{person.email}: {answer.status_code} {email!r}")
        self.done("api me")

    def own_tokens(self, person: Person, rng: random.Random) -> None:
        """/api/v1/auth/tokens lists this person's tokens and nobody else's."""
        answer = self.send(None, "GET", "/api/v1/auth/tokens", headers={"Authorization": f"Bearer {person.token}"})
        ids = {t["id"] for t in answer.json()} if answer.status_code == 200 else None
        if ids is None or not ids <= person.token_ids or not ids:
            self.problem("api tokens", f"{person.email}: {answer.status_code} {ids} not within {person.token_ids}")
        self.done("api tokens")

    def fresh_sign_in(self, person: Person, rng: random.Random) -> None:
        """A new browser signs in through the form: 302 home, then the top bar names this person."""
        browser = requests.Session()
        browser.headers.update(CLOSE)
        answered = web_sign_in(browser, self.url, person.email)
        with self._guard:
            self.requests += 2
        if answered.status_code != 302 or urlsplit(answered.headers.get("Location", "")).path != "/":
            expired = "form expired" in answered.text
            self.problem("sign in", f"{person.email}: {answered.status_code} expired={expired} {answered.text[:160]!r}")
        else:
            home = self.send(browser, "GET", "/")
            if signed_in_as(home.text) != person.who:
                self.problem("sign in", f"{person.email}: home says {signed_in_as(home.text)!r}")
        self.done("sign in")

    def csrf(self, person: Person, rng: random.Random) -> None:
        """Without its token a form POST changes nothing; with it, it works (sign-out, here)."""
        browser = requests.Session()
        browser.headers.update(CLOSE)
        login = self.send(browser, "POST", "/login", data={"email": person.email, "password": PASSWORD})
        if login.status_code != 400 or "form expired" not in login.text:
            self.problem("csrf", f"sign-in without a token: {login.status_code} {login.text[:160]!r}")
        if web_sign_in(browser, self.url, person.email).status_code != 302:
            self.problem("csrf", f"{person.email} could not sign in")
        home = self.send(browser, "GET", "/")
        refused = self.send(browser, "POST", "/logout")
        still = self.send(browser, "GET", "/")
        if urlsplit(refused.headers.get("Location", "")).path == "/login" or signed_in_as(still.text) != person.who:
            self.problem("csrf", f"{person.email}: sign-out without a token was obeyed ({refused.status_code})")
        out = self.send(browser, "POST", "/logout", data={"csrf_token": csrf_token_in(home.text) or ""})
        after = self.send(browser, "GET", "/")
        if urlsplit(out.headers.get("Location", "")).path != "/login" or after.status_code != 302:
            self.problem(
                "csrf", f"{person.email}: sign-out with the token failed ({out.status_code}, {after.status_code})"
            )
        with self._guard:
            self.requests += 2
        self.done("csrf")


def seed_people(database_url: str, folder) -> list[Person]:
    """The users of the test, straight into the database through the services."""
    from server.database import upgrade_schema
    from server.services.accounts.users import create_user
    from server.services.org.organisation import create_region

    with server_db(database_url, folder) as s:
        upgrade_schema()
        region = create_region(s, code="LON", name="London")
        people = []
        for role, name in PEOPLE:
            email = re.sub(r"\W+", ".", name.lower()) + "@example.test"
            user = create_user(
                s,
                email=email,
                name=name,
                role=role,
                password=PASSWORD,
                temporary=False,
                regions=[region] if role == "manager" else [],
            )
            if role in CODE_ROLES:
                user.totp_secret, user.totp_enabled_at = TOTP_SECRET, utcnow()
                s.commit()
            people.append(Person(role, name, email))
        s.commit()
        return people


def plan(people: list[Person], rng: random.Random) -> list[tuple]:
    """ACTIONS actions in a seeded, interleaved order."""
    kinds = [
        ("anonymous_page", None, 3),
        ("anonymous_api", None, 3),
        ("own_pages", "any", 4),
        ("own_identity", "token", 3),
        ("own_tokens", "token", 2),
        ("fresh_sign_in", "password", 2),
        ("csrf", "password", 1),
    ]  # a code is good once per 30 s: repeated sign-ins are for password-only users
    weighted = [kind for kind in kinds for _ in range(kind[2])]
    actions = []
    for _ in range(ACTIONS):
        name, who, _ = rng.choice(weighted)
        candidates = [
            p
            for p in people
            if who == "any" or (who == "token" and p.token) or (who == "password" and p.role not in CODE_ROLES)
        ]
        actions.append((name, rng.choice(candidates) if who else None, rng.randrange(2**32)))
    return actions


@pytest.mark.slow
def test_many_interleaved_users_over_several_workers_each_see_only_themselves(database_url, tmp_path):
    people = seed_people(database_url, tmp_path / "seed")
    access_log = tmp_path / "access.log"
    with redis_rate_limits() as (limits_env, prefix, redis):
        server = ServerProcess(
            database_url,
            tmp_path / "server",
            options=["--workers", str(WORKERS)],
            extra_env={
                **limits_env,
                "GUNICORN_CMD_ARGS": f"--access-logfile {access_log} --access-logformat '%(p)s %(s)s %(m)s %(U)s'",
            },
        )
        server.start()
        try:
            traffic = Traffic(server.url, people)
            for person in people:
                traffic.sign_in_everywhere(person)
            rng = random.Random(SEED)

            def act(action) -> None:
                name, person, seed = action
                try:
                    step = getattr(traffic, name)
                    step(person, random.Random(seed)) if person else step(random.Random(seed))
                except Exception as exc:  # a broken answer (500 page instead of JSON...) is a finding too
                    traffic.problem(name, f"{getattr(person, 'email', 'anonymous')}: {type(exc).__name__}: {exc}")

            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(act, plan(people, rng)))
            limit_keys = list(redis.scan_iter(match=f"*{prefix}*", count=1000))
        finally:
            server.stop()

    log = access_log.read_text() if access_log.exists() else ""
    served_by = Counter(line.split()[0] for line in log.splitlines() if line.strip())
    print(
        f"\n{database_url.split(':')[0]}: {traffic.requests} requests, {dict(traffic.counts)}, "
        f"per worker pid {dict(served_by)}"
    )
    assert not traffic.problems, traffic.report()
    assert traffic.requests >= 900
    assert sum(traffic.counts.values()) == ACTIONS  # every action ran
    assert len(served_by) >= 2, served_by  # the requests really were spread over several workers
    assert limit_keys, "the sign-in limits were not kept in Redis"
