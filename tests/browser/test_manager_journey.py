"""A regional manager in Chromium: dashboard, a branch, its PDF, a visit; screenshots at desk and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import sign_in

SHOTS = Path("/tmp/fieldaudit-shots")
MANAGER = "manager.london@"


@pytest.fixture
def demo(session):
    """The demo organisation (36 branches, a year of approved visits with photos)."""
    load_demo(session)
    from server.models import User

    return next(u for u in session.query(User).all() if u.email.startswith(MANAGER))


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_manager_opens_the_dashboard_a_branch_and_downloads_the_branch_pdf(browser, page, live_server, demo):
    sign_in(page, live_server, demo.email, DEMO_PASSWORD)
    page.click("nav.sections >> text=Dashboard")
    assert page.locator("h1").first.inner_text().startswith("Dashboard")
    assert page.locator("#league tbody tr").count() >= 5
    assert page.locator("svg.chart.desk").count() == 2 and page.locator("svg.chart.desk").first.is_visible()
    assert not page.locator("svg.chart.phone").first.is_visible()
    assert page.get_by_text("rank not distinguishable").is_visible()
    shoot(page, "dashboard-1280")

    page.locator("#league tbody tr").first.locator("td >> nth=1 >> a").click()
    page.wait_for_load_state()
    assert page.locator("#branch-score").inner_text().endswith("%")
    assert page.locator("svg.chart.desk").count() == 2
    shoot(page, "branch-1280")
    with page.expect_download() as download_info:
        page.click("#branch-pdf")
    download = download_info.value
    assert download.suggested_filename.startswith("branch-") and download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.locator("#visits tbody tr").first.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith("Visit at")
    assert page.get_by_text("from the branch").first.is_visible()
    thumbs = page.locator(".thumbs img")
    if thumbs.count():
        assert page.evaluate("img => img.naturalWidth > 0", thumbs.first.element_handle())
    shoot(page, "visit-1280")


def test_the_pages_fit_a_phone_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        sign_in(phone, live_server, demo.email, DEMO_PASSWORD)
        phone.goto(live_server + "/dashboard/")
        assert no_horizontal_overflow(phone)
        assert phone.locator("svg.chart.phone").first.is_visible()
        assert not phone.locator("svg.chart.desk").first.is_visible()
        shoot(phone, "dashboard-390")
        phone.locator("#league tbody tr").first.locator("td >> nth=1 >> a").click()
        phone.wait_for_load_state()
        assert no_horizontal_overflow(phone)
        shoot(phone, "branch-390")
        phone.locator("#visits tbody tr").first.locator("a").first.click()
        phone.wait_for_load_state()
        assert no_horizontal_overflow(phone)
        shoot(phone, "visit-390")
    finally:
        context.close()
