"""Security headers, set in server/http_headers.py: each kind of response carries the ones it must; trusted hosts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from server import create_app
from server.http_headers import OTHER_POLICY, PAGE_POLICY, PDF_POLICY
from server.models import Photo
from tests.server.auth_helpers import bearer, new_client, web_login
from tests.server.web.dashboard.conftest import world  # noqa: F401 - the fixture
from tests.server.web.dashboard.world import PNG

ROOT = Path(__file__).resolve().parents[2]
EVERY_RESPONSE = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture
def responses(world, client, session, app):  # noqa: F811 - `world` is the fixture imported above
    """One response of each kind, fetched as its real user fetches it."""
    manager = new_client(app)
    web_login(manager, world.people["nora"].email)
    north = world.regions["north"]
    photo = session.scalar(select(Photo).where(Photo.visit_id == world.failed.id))
    return {
        "sign-in page": new_client(app).get("/login"),
        "dashboard": manager.get(f"/dashboard/?region={north.id}"),
        "visit page": manager.get(f"/visits/{world.failed.id}"),
        "CSV": manager.get(f"/dashboard/regions/{north.id}/visits.csv"),
        "PDF": manager.get(f"/reports/visits/{world.failed.id}.pdf"),
        "photo": manager.get(f"/visits/{world.failed.id}/photos/{photo.id}"),
        "API photo": client.get(
            f"/api/v1/visits/{world.failed.id}/photos/{photo.id}/content", headers=bearer(world.tokens["ann"])
        ),
        "API JSON": client.get("/api/v1/me", headers=bearer(world.tokens["ann"])),
        "API error": client.get("/api/v1/nothing-here"),
        "error page": manager.get("/no-such-page"),
        "static file": new_client(app).get("/static/fieldaudit.css"),
        "static script": new_client(app).get("/static/js/confirm.js"),
    }


# kind: (status, media type, Content-Security-Policy, must not be stored)
EXPECTED = {
    "sign-in page": (200, "text/html", PAGE_POLICY, True),
    "dashboard": (200, "text/html", PAGE_POLICY, True),
    "visit page": (200, "text/html", PAGE_POLICY, True),
    "CSV": (200, "text/csv", OTHER_POLICY, True),
    "PDF": (200, "application/pdf", PDF_POLICY, True),
    "photo": (200, "image/jpeg", OTHER_POLICY, True),  # pages get the JPEG rendition
    "API photo": (200, "image/png", OTHER_POLICY, True),
    "API JSON": (200, "application/json", OTHER_POLICY, True),
    "API error": (404, "application/json", OTHER_POLICY, True),
    "error page": (404, "text/html", PAGE_POLICY, True),
    "static file": (200, "text/css", OTHER_POLICY, False),
    "static script": (200, "text/javascript", OTHER_POLICY, False),
}


@pytest.mark.parametrize("kind", EXPECTED)
def test_each_kind_of_response_carries_its_security_headers(responses, kind):
    response = responses[kind]
    status, mimetype, policy, no_store = EXPECTED[kind]
    assert (response.status_code, response.mimetype) == (status, mimetype)
    for name, value in EVERY_RESPONSE.items():
        assert response.headers.get(name) == value, (kind, name)
    assert response.headers["Content-Security-Policy"] == policy
    assert "frame-ancestors 'none'" in policy
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    cache = response.headers.get("Cache-Control", "")
    if no_store:
        assert "no-store" in cache, (kind, cache)
    else:
        assert "no-store" not in cache and response.headers.get("ETag"), (kind, cache)


def test_the_photo_bytes_still_arrive_with_the_headers(responses):
    assert responses["API photo"].data == PNG  # the original, as uploaded
    assert responses["photo"].data.startswith(b"\xff\xd8\xff")  # the page's JPEG rendition


def test_the_page_policy_allows_no_inline_script_or_style_and_no_other_origin():
    directives = dict(part.strip().split(" ", 1) for part in PAGE_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'none'"  # so also no plugins (object-src) and no workers
    assert "unsafe" not in PAGE_POLICY and "*" not in PAGE_POLICY and "http" not in PAGE_POLICY


INLINE = {
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("what", INLINE)
def test_no_template_uses_what_the_policy_forbids(what):
    templates = ROOT / "server" / "templates"
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(templates.rglob("*.html"))
        # E-mail bodies (templates/mail/) are no web page: no policy applies, and mail clients need inline styles.
        if not path.is_relative_to(templates / "mail") and INLINE[what].search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


def test_the_charts_inline_svg_has_no_style_attributes(responses):
    page = responses["dashboard"].text
    assert "<svg" in page and 'fill="' in page
    assert not INLINE["style attribute"].search(page)


@pytest.mark.parametrize(
    "config, environ, hsts",
    [
        ({}, {"wsgi.url_scheme": "https"}, True),
        ({}, {"HTTP_X_FORWARDED_PROTO": "https"}, False),  # no proxy configured: a client cannot claim HTTPS
        ({"PROXY_HOPS": 1}, {"HTTP_X_FORWARDED_PROTO": "https"}, True),
        ({"PROXY_HOPS": 1}, {"HTTP_X_FORWARDED_PROTO": "http"}, False),
        ({"HSTS_SECONDS": 0}, {"wsgi.url_scheme": "https"}, False),
    ],
)
def test_hsts_is_sent_only_on_requests_that_arrived_over_https(app_config, config, environ, hsts):
    app = create_app({**app_config, **config})
    response = app.test_client().get("/login", environ_overrides=environ)
    assert response.status_code == 200
    if hsts:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    else:
        assert "Strict-Transport-Security" not in response.headers


@pytest.fixture
def trusting(app_config):
    """An app that answers only for audit.example.org (and its port 8443)."""
    return create_app({**app_config, "TRUSTED_HOSTS": ["audit.example.org"]})


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/me", "/static/fieldaudit.css"])
def test_an_untrusted_host_header_answers_400(trusting, path):
    response = trusting.test_client().get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_untrusted_host_header_on_a_form_post_answers_400_too(trusting):
    response = trusting.test_client().post("/login", data={"email": "a@b.c"}, headers={"Host": "evil.example"})
    assert response.status_code == 400 and "host name" in response.text


def test_a_trusted_host_works_and_redirects_stay_on_it(trusting):
    client = trusting.test_client()
    page = client.get("/login", headers={"Host": "audit.example.org:8443"})
    assert page.status_code == 200
    home = client.get("/", headers={"Host": "audit.example.org"})
    assert home.status_code == 302 and home.headers["Location"].startswith("/login")


def test_behind_a_proxy_the_forwarded_host_is_checked_too(app_config):
    app = create_app({**app_config, "TRUSTED_HOSTS": ["audit.example.org"], "PROXY_HOPS": 1})
    client = app.test_client()
    assert (
        client.get("/login", headers={"Host": "audit.example.org", "X-Forwarded-Host": "evil.example"}).status_code
        == 400
    )
    assert (
        client.get("/login", headers={"Host": "10.0.0.5:8000", "X-Forwarded-Host": "audit.example.org"}).status_code
        == 200
    )


def test_trusted_hosts_come_from_the_environment(tmp_path, monkeypatch):
    from server.config import from_environment

    monkeypatch.setenv("FIELDAUDIT_TRUSTED_HOSTS", "audit.example.org, .example.net")
    assert from_environment(tmp_path)["TRUSTED_HOSTS"] == ["audit.example.org", ".example.net"]
    monkeypatch.setenv("FIELDAUDIT_TRUSTED_HOSTS", "")
    assert from_environment(tmp_path)["TRUSTED_HOSTS"] is None
