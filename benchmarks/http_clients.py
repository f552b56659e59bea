"""HTTP clients the crowd and load benchmarks share: a browser-like session, the phone's pull, the web sign-in,
and latency percentiles."""

from __future__ import annotations

import re
import statistics
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

TIMEOUT = 120
MAX_PAGES = 10_000  # a pull that pages on beyond this is a bug, not a big pull
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def browser() -> requests.Session:
    """An HTTP client that, like a browser, sends a GET again once when the server had closed the idle connection."""
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=Retry(total=1, connect=1, read=1, status=0, allowed_methods={"GET"})))
    return http


def get(http: requests.Session, url: str, timeout: float = TIMEOUT, **kwargs) -> tuple[float, requests.Response]:
    """One GET; (seconds, answer), failing loudly on anything but 200."""
    started = time.perf_counter()
    answer = http.get(url, timeout=timeout, **kwargs)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url}: {answer.status_code} {answer.text[:200]}")
    return elapsed, answer


def pull(
    http: requests.Session, url: str, token: str, cursor: str, timeout: float = TIMEOUT
) -> tuple[list[float], str]:
    """Every page of GET /api/v1/sync/changes from `cursor` to the end: (page latencies, the cursor to go on from)."""
    pages = []
    for _ in range(MAX_PAGES):
        elapsed, answer = get(
            http,
            url + "/api/v1/sync/changes",
            timeout,
            params={"since": cursor},
            headers={"Authorization": f"Bearer {token}"},
        )
        pages.append(elapsed)
        body = answer.json()
        cursor = body["cursor"]
        if not body["more"]:
            return pages, cursor
    raise RuntimeError(f"the pull from {cursor!r} was still paging after {MAX_PAGES} pages")


def csrf_token_in(html: str) -> str | None:
    """The CSRF token of the first form on a page, None if there is no form with one."""
    match = CSRF_FIELD.search(html)
    return (match.group(1) or match.group(2)) if match else None


def web_sign_in(http: requests.Session, url: str, email: str, password: str, timeout: float = TIMEOUT) -> None:
    """Sign in through the login form as a browser does (GET the form and its CSRF token, POST it); fails unless 302."""
    page = http.get(url + "/login", timeout=timeout)
    token = csrf_token_in(page.text) if page.status_code == 200 else None
    if not token:
        raise RuntimeError(f"GET /login: {page.status_code}, no CSRF token")
    answer = http.post(
        url + "/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=timeout,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"POST /login: {answer.status_code} {answer.text[:200]}")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


def spread(values: list[float]) -> str:
    """p50 / p99 / max of latencies, for a table cell."""
    if not values:
        return "none"
    return f"p50 {statistics.median(values):.3f} s  p99 {percentile(values, 0.99):.3f} s  max {max(values):.3f} s"
