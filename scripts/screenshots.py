"""Regenerate the README screenshots: serve the demo on a scratch database and photograph the pages.

Usage: .venv/bin/python scripts/screenshots.py   (needs the dev lock, `. scripts/_venv.sh && fieldaudit_venv dev`,
and Debian's chromium: `apt-get install -y chromium`). Writes PNGs into docs/screenshots/.
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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN, MANAGER, SHOPPER = ("admin@demo.fieldaudit.org", "manager.london@demo.fieldaudit.org",
                            "emma.clarke@demo.fieldaudit.org")
PAGES = [  # (file name, email or None for the sign-in page, viewport width, path after signing in)
    ("web-sign-in.png", None, 1024, "/"),
    ("web-admin-overview.png", ADMIN, 1024, "/"),
    ("web-manager-dashboard.png", MANAGER, 1280, "/dashboard/"),
    ("web-manager-dashboard-phone.png", MANAGER, 390, "/dashboard/"),
    ("web-checklists.png", ADMIN, 1280, "/builder/"),
    ("web-assignments.png", ADMIN, 1280, "/assignments/"),
    ("web-shopper-assignments.png", SHOPPER, 1024, "/"),
]


def serve_demo() -> str:
    """Start the app with demo data on a scratch instance folder; return its base URL."""
    instance = tempfile.mkdtemp(prefix="fieldaudit-shots-")
    os.environ["FIELDAUDIT_INSTANCE_PATH"] = instance
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from server import create_app
    from server.cli_run import prepare_database
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
    base = serve_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, email, width, path in PAGES:
            context = browser.new_context(viewport={"width": width, "height": 760})
            page = context.new_page()
            page.goto(base + "/")
            if email:
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", os.environ["DEMO_PASSWORD"])
                page.click("button[type=submit]")
                page.wait_for_load_state()
                if path != "/":
                    page.goto(base + path)
            page.screenshot(path=str(OUT / name), full_page=width > 500)
            context.close()
            print(f"wrote docs/screenshots/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
