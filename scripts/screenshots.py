"""Regenerate the README screenshots: serve the demo on a scratch database and photograph the pages.

Usage: .venv/bin/python scripts/screenshots.py [NAME.png ...]   (needs the dev lock, `. scripts/_venv.sh &&
fieldaudit_venv dev`, and Debian's chromium: `apt-get install -y chromium`). Writes PNGs into docs/screenshots/
(only the named ones when names are given). The account pages are shot for the demo manager, who sets up a second
factor on the way (the demo admin is exempt from the admin rule, so its pages open with the password).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN, MANAGER, SHOPPER = (
    "admin@demo.fieldaudit.org",
    "manager.london@demo.fieldaudit.org",
    "emma.clarke@demo.fieldaudit.org",
)
PAGES = [  # (file name, email or None for the sign-in page, viewport width, path after signing in)
    ("web-sign-in.png", None, 1024, "/"),
    ("web-admin-overview.png", ADMIN, 1024, "/"),
    ("web-manager-dashboard.png", MANAGER, 1280, "/dashboard/"),
    ("web-manager-dashboard-phone.png", MANAGER, 390, "/dashboard/"),
    ("web-checklists.png", ADMIN, 1280, "/builder/"),
    ("web-assignments.png", ADMIN, 1280, "/assignments/"),
    ("web-shopper-assignments.png", SHOPPER, 1024, "/"),
]
ACCOUNT_WIDTHS = (1280, 390)  # My account, the enrolment page and the code step, on a desk and on a phone


def sign_in(page, base: str, email: str) -> None:
    """The password step of the real form."""
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", os.environ["DEMO_PASSWORD"])
    page.click("button[type=submit]")
    page.wait_for_load_state()


class Authenticator:
    """The demo manager's authenticator app: a fresh code each time (a code is accepted once per 30 s step)."""

    def __init__(self, secret: str):
        self.secret, self.last = secret, -1

    def code(self) -> str:
        import time

        from server.services.accounts.mfa import code_for

        while True:
            now = int(time.time()) // 30
            step = max(now, self.last + 1)
            if step <= now + 1:
                self.last = step
                return code_for(self.secret, step)
            time.sleep(30 - time.time() % 30 + 0.1)


def account_shots(browser, base: str, wanted) -> None:
    """My account and the enrolment page (the manager enrols with the key shown), then the code step."""
    app = None
    for width in ACCOUNT_WIDTHS:
        suffix = "" if width > 500 else "-phone"
        context = browser.new_context(viewport={"width": width, "height": 760})
        page = context.new_page()
        sign_in(page, base, MANAGER)
        if app is not None:  # enrolled on the desk: the phone sees the code step first
            shoot(page, f"web-sign-in-code{suffix}.png", width, wanted)
            page.fill("input[name=code]", app.code())
            page.click("form.stacked button[type=submit]")
            page.wait_for_load_state()
        page.goto(base + "/account")
        shoot(page, f"web-account{suffix}.png", width, wanted)
        page.goto(base + "/account/mfa/enrol")
        shoot(page, f"web-mfa-enrol{suffix}.png", width, wanted)
        if app is None:
            app = Authenticator(page.inner_text("#totp-secret").replace(" ", ""))
            page.fill("input[name=code]", app.code())
            page.click("form.stacked button[type=submit]")
            page.wait_for_load_state()
            shoot(page, "web-mfa-recovery-codes.png", width, wanted)
        context.close()
    context = browser.new_context(viewport={"width": ACCOUNT_WIDTHS[0], "height": 760})
    page = context.new_page()
    sign_in(page, base, MANAGER)
    shoot(page, "web-sign-in-code.png", ACCOUNT_WIDTHS[0], wanted)
    context.close()


def report_job_shots(browser, base: str, wanted) -> None:
    """The region report as a job: the dashboard's button, the job's page once its bar is full, the Reports list."""
    if wanted and not wanted & {"web-report-job.png", "web-reports.png"}:
        return
    context = browser.new_context(viewport={"width": 1024, "height": 760})
    page = context.new_page()
    sign_in(page, base, ADMIN)
    page.goto(base + "/dashboard/")
    page.click("text=Region report (PDF)")
    page.wait_for_selector("#job-result a", timeout=60_000)  # jobs.js shows the link when the job is done
    shoot(page, "web-report-job.png", 1024, wanted)
    page.goto(base + "/jobs/")
    shoot(page, "web-reports.png", 1024, wanted)
    context.close()


def phone_shots(browser, base: str, wanted) -> None:
    """What the phone issue added on the web: an admin's "Sign in a phone" QR code, and a visit's photos with
    when and where each was taken."""
    names = {"web-phone-sign-in-code.png", "web-visit-photos.png"}
    if wanted and not wanted & names:
        return
    context = browser.new_context(viewport={"width": 1024, "height": 760})
    page = context.new_page()
    sign_in(page, base, ADMIN)
    page.goto(base + "/admin/users")
    page.locator("tr", has_text=SHOPPER).locator("a").first.click()  # the shopper's name links to their page
    page.click("button:has-text('Sign in a phone')")
    page.wait_for_selector("#enrolment-code")
    shoot(page, "web-phone-sign-in-code.png", 1024, wanted)
    page.goto(base + "/dashboard/")
    links = [a.get_attribute("href") for a in page.locator("a[href^='/visits/']").all()]
    for link in links:  # the first visit the dashboard links to that has photos
        page.goto(base + link)
        if page.locator(".photo-capture").count():
            break
    page.locator(".photo-capture").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "web-visit-photos.png"))
    print("wrote docs/screenshots/web-visit-photos.png")
    context.close()


def shoot(page, name: str, width: int, wanted) -> None:
    """Save one screenshot (full page on a desk) if it is wanted."""
    if wanted and name not in wanted:
        return
    page.screenshot(path=str(OUT / name), full_page=width > 500)
    print(f"wrote docs/screenshots/{name}")


def serve_demo() -> str:
    """Start the app with demo data on a scratch instance folder; return its base URL."""
    instance = tempfile.mkdtemp(prefix="fieldaudit-shots-")
    os.environ["FIELDAUDIT_INSTANCE_PATH"] = instance
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from server import create_app
    from server.cli.run import prepare_database
    from server.demo import DEMO_PASSWORD

    app = create_app()
    prepare_database(app, demo=True)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    os.environ["DEMO_PASSWORD"] = DEMO_PASSWORD
    return f"http://127.0.0.1:{httpd.server_port}"


def main() -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is missing: . scripts/_venv.sh && fieldaudit_venv dev", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM=...)", file=sys.stderr)
        return 2
    wanted = set(sys.argv[1:])
    base = serve_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, email, width, path in PAGES:
            if wanted and name not in wanted:
                continue
            context = browser.new_context(viewport={"width": width, "height": 760})
            page = context.new_page()
            page.goto(base + "/")
            if email:
                sign_in(page, base, email)
                if path != "/":
                    page.goto(base + path)
            shoot(page, name, width, wanted)
            context.close()
        report_job_shots(browser, base, wanted)
        account_shots(browser, base, wanted)
        phone_shots(browser, base, wanted)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
