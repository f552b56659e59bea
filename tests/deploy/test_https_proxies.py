"""The proxy part of docs/deploy.md for real: Debian's nginx running the shipped deploy/nginx/fieldaudit.conf, and
Caddy running the shipped deploy/caddy/Caddyfile (only ports, certificate, upstream and log paths substituted),
with a self-signed certificate, in front of the real `fieldaudit run --workers 2` (gunicorn, rate limits in
Redis) set as deploy/fieldaudit.env.example says (FIELDAUDIT_PROXY_HOPS=1, FIELDAUDIT_SECURE_COOKIES=1,
FIELDAUDIT_TRUSTED_HOSTS, FIELDAUDIT_REDIS_URL), all on loopback.

Clients connect from 127.0.0.2 and 127.0.0.3, as two machines would: the sign-in limit must count each apart
(and, without FIELDAUDIT_PROXY_HOPS, cannot: both are the proxy's 127.0.0.1 to the app).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from server.config import from_environment
from tests.deploy.proxies import (
    HOST_NAME,
    PROXIES,
    ROOT,
    SHIPPED_CADDYFILE,
    SHIPPED_NGINX,
    Ports,
    Proxy,
    client_from,
    find_binary,
)
from tests.mobile.live import PASSWORD
from tests.reliability.server_process import (
    ServerProcess,
    free_port,
    redis_rate_limits,
    server_db,
    signed_in_as,
    web_sign_in,
)

LOGIN_LIMIT = 3  # sign-in POSTs per client address and minute (FIELDAUDIT_LOGIN_RATE_LIMIT)
MANAGER = ("mona.manager@example.test", "Mona Manager")
SHOPPER = ("sam.shopper@example.test", "Sam Shopper")
START_TIMEOUT = 60
ENV_EXAMPLE = ROOT / "deploy" / "fieldaudit.env.example"
REDIRECT_STATUS = {"nginx": 301, "caddy": 308}  # nginx's `return 301`; Caddy's automatic redirect is permanent too
SERVER_HEADER = {"nginx": "nginx", "caddy": "Caddy"}  # no version (nginx: server_tokens off)


REQUIRED_ON_CI = {"nginx"}
"""scripts/_system.sh installs nginx for the suite; Caddy is optional (its variant runs where `caddy` is installed)."""


@pytest.fixture(params=sorted(PROXIES))
def proxy_binary(request) -> tuple[str, str]:
    """(name, program) of a proxy; a skip with the reason when it is missing, but for nginx a failure under
    CI=true, where scripts/_system.sh has installed it."""
    name = request.param
    binary = find_binary(name)
    if binary is None:
        if name in REQUIRED_ON_CI and os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed: CI must run the proxy tests (scripts/_system.sh installs {name})")
        ci_note = "; under CI=true this test fails instead" if name in REQUIRED_ON_CI else " (optional)"
        pytest.skip(f"{name} is not installed (apt-get install {name}){ci_note}")
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is missing (Debian package openssl): the test makes its certificate with it")
    return name, binary


@dataclass
class Site:
    """A proxy in front of `fieldaudit run`: the URLs a browser uses, and both processes."""

    proxy: Proxy
    server: ServerProcess

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.proxy.ports.https}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.proxy.ports.http}"

    def browser(self, source: str) -> requests.Session:
        return client_from(source, self.proxy.certificate)


def seed_people(database_url: str, folder: Path) -> None:
    """A manager and a shopper with known passwords (neither needs a second factor)."""
    from server.database import upgrade_schema
    from server.services.accounts.users import create_user
    from server.services.transactions import atomic

    with server_db(database_url, folder) as session:
        upgrade_schema()  # already done on the test databases; the schema the server would make otherwise
        with atomic(session):
            for (email, name), role in ((MANAGER, "manager"), (SHOPPER, "shopper")):
                create_user(session, email=email, name=name, role=role, password=PASSWORD, temporary=False)


@contextmanager
def proxied_site(proxy_binary: tuple[str, str], database_url: str, folder: Path, proxy_hops: int) -> Iterator[Site]:
    """The proxy (its shipped file) and `fieldaudit run --workers 2` behind it, both stopped on the way out."""
    name, binary = proxy_binary
    seed_people(database_url, folder)
    ports = Ports(http=free_port(), https=free_port(), upstream=free_port())
    proxy = PROXIES[name](binary, folder / name, ports)
    with redis_rate_limits() as (limits_env, prefix, _client):
        server = ServerProcess(
            database_url,
            folder / "server",
            options=["--workers", "2"],
            extra_env={  # as deploy/fieldaudit.env.example: FIELDAUDIT_REDIS_URL also holds the rate limits
                "FIELDAUDIT_REDIS_URL": limits_env["FIELDAUDIT_RATELIMIT_STORAGE_URI"],
                "FIELDAUDIT_RATELIMIT_STORAGE_URI": None,
                "FIELDAUDIT_RATELIMIT_KEY_PREFIX": prefix,
                "FIELDAUDIT_JOB_QUEUE": prefix,  # no job of this test's server lands in another test's queue
                "FIELDAUDIT_PROXY_HOPS": str(proxy_hops),
                "FIELDAUDIT_SECURE_COOKIES": "1",
                "FIELDAUDIT_TRUSTED_HOSTS": HOST_NAME,
                "FIELDAUDIT_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
            },
        )
        try:
            proxy.start()
            server.start(port=ports.upstream, wait=False)  # its own readiness check would send Host: 127.0.0.1
            site = Site(proxy, server)
            wait_until_served(site)
            yield site
        finally:
            server.stop()
            proxy.stop()


def wait_until_served(site: Site) -> None:
    """Until the API answers through the proxy (502 while gunicorn starts)."""
    browser = site.browser("127.0.0.1")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if site.server.proc is not None and site.server.proc.poll() is not None:
            raise RuntimeError(f"fieldaudit run exited: {site.server.output()[-2000:]}")
        try:
            if browser.get(site.https + "/api/v1/openapi.json", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"not served through {site.proxy.name} in {START_TIMEOUT}s: {site.proxy.errors()} {site.server.output()[-2000:]}"
    )


def set_cookie_headers(answer: requests.Response) -> list[str]:
    """Every Set-Cookie header of an answer, one string each (requests joins them otherwise)."""
    return list(answer.raw.headers.getlist("Set-Cookie"))


def session_cookie(answer: requests.Response) -> str:
    cookies = [c for c in set_cookie_headers(answer) if c.startswith("__Host-session=")]
    assert len(cookies) == 1, set_cookie_headers(answer)
    return cookies[0]


def test_the_shipped_proxies_take_bodies_as_large_as_fieldaudit_does_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDAUDIT_MAX_REQUEST_BYTES", raising=False)
    mebibytes, rest = divmod(from_environment(tmp_path)["MAX_CONTENT_LENGTH"], 1024 * 1024)
    assert rest == 0
    assert f"client_max_body_size {mebibytes}m;" in SHIPPED_NGINX.read_text()
    assert f"max_size {mebibytes}MiB" in SHIPPED_CADDYFILE.read_text()
    assert f"FIELDAUDIT_MAX_REQUEST_BYTES={mebibytes * 1024 * 1024}" in ENV_EXAMPLE.read_text()


def test_through_the_proxy_cookies_are_secure_hsts_is_sent_http_redirects_and_other_hosts_are_refused(
    proxy_binary, database_url, tmp_path
):
    with proxied_site(proxy_binary, database_url, tmp_path, proxy_hops=1) as site:
        name = site.proxy.name
        browser = site.browser("127.0.0.2")

        redirect = browser.get(site.http + "/login?next=%2F", allow_redirects=False, timeout=10)
        assert redirect.status_code == REDIRECT_STATUS[name]
        assert redirect.headers["Location"] == f"https://{HOST_NAME}/login?next=%2F"
        assert "Strict-Transport-Security" not in redirect.headers  # HTTP is only ever a redirect

        page = browser.get(site.https + "/login", timeout=10)
        assert page.status_code == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert page.headers["Server"] == SERVER_HEADER[name]

        signed_in = web_sign_in(browser, site.https, MANAGER[0])
        assert signed_in.status_code == 302, signed_in.text[:500]
        cookie = session_cookie(signed_in)
        flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        assert "secure" in flags and "httponly" in flags, cookie
        assert flags.get("samesite") == "SameSite=Lax", cookie
        assert flags.get("path") == "Path=/" and "domain" not in flags, cookie  # what __Host- requires
        home = browser.get(site.https + "/", timeout=10)
        assert home.status_code == 200 and signed_in_as(home.text) == f"{MANAGER[1]} · manager"

        forged_host = browser.get(site.https + "/login", headers={"Host": "evil.example.net"}, timeout=10)
        if name == "nginx":  # one server block: the request reaches Fieldaudit, whose TRUSTED_HOSTS refuse it
            assert forged_host.status_code == 400
        else:  # Caddy serves no site for that name: an empty answer of its own, Fieldaudit never sees it
            assert forged_host.content == b"" and not set_cookie_headers(forged_host)
        forwarded_host = browser.get(
            site.https + "/login", headers={"X-Forwarded-Host": "evil.example.net"}, timeout=10
        )
        assert forwarded_host.status_code == 200  # the proxy overwrites what the client sent


def test_through_the_proxy_the_sign_in_limit_counts_each_client_address_apart(proxy_binary, database_url, tmp_path):
    with proxied_site(proxy_binary, database_url, tmp_path, proxy_hops=1) as site:
        first = site.browser("127.0.0.2")
        for n in range(LOGIN_LIMIT):  # each claims another address: the proxy replaces the header with the real one
            first.headers["X-Forwarded-For"] = f"198.51.100.{n + 1}"
            assert web_sign_in(first, site.https, MANAGER[0]).status_code == 302
        first.headers["X-Forwarded-For"] = "198.51.100.99"
        refused = web_sign_in(first, site.https, MANAGER[0])
        assert refused.status_code == 429 and "Too many sign-in attempts" in refused.text
        assert int(refused.headers["Retry-After"]) > 0

        second = site.browser("127.0.0.3")
        assert web_sign_in(second, site.https, SHOPPER[0]).status_code == 302
        assert signed_in_as(second.get(site.https + "/", timeout=10).text) == f"{SHOPPER[1]} · shopper"


def test_without_proxy_hops_every_client_shares_the_proxy_address_in_the_sign_in_limit(
    proxy_binary, tmp_path, sqlite_template
):
    """The control for the test above: why FIELDAUDIT_PROXY_HOPS=1 belongs with the proxy (SQLite is enough here)."""
    path = tmp_path / "control.db"
    shutil.copy(sqlite_template, path)
    with proxied_site(proxy_binary, f"sqlite:///{path}", tmp_path, proxy_hops=0) as site:
        first = site.browser("127.0.0.2")
        for _ in range(LOGIN_LIMIT):
            assert web_sign_in(first, site.https, MANAGER[0]).status_code == 302
        second = site.browser("127.0.0.3")
        assert web_sign_in(second, site.https, SHOPPER[0]).status_code == 429
        assert "Strict-Transport-Security" not in second.get(site.https + "/login", timeout=10).headers
