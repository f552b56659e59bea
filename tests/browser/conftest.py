"""Browser tests: the real app served on 127.0.0.1 and driven by headless Chromium (Playwright).

Chromium comes from Debian (`apt-get install chromium`; scripts/test installs it); a missing
browser is a failure with a clear message, never a skip, so CI cannot pass without these tests.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test does) or set CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """The test's app served over HTTP on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies) at desktop size; screenshots go to the test's tmp dir."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form, and through the code step like a person with the authenticator app."""
    from tests.server.auth_helpers import authenticator_code

    page.goto(base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):
        page.fill("input[name=code]", authenticator_code(email))
        page.click("button[type=submit]")
        page.wait_for_load_state()
