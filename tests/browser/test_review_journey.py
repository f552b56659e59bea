"""An admin in Chromium works through the review queue: returns a visit with a note, approves the next one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.demo import DEMO_PASSWORD, load_demo
from server.models import User, Visit, VisitStatus
from tests.browser.conftest import sign_in

SHOTS = Path("/tmp/fieldaudit-shots")


@pytest.fixture
def waiting(session):
    """The demo, with its three most recent visits put back in the queue as if just submitted; returns them."""
    load_demo(session)
    for closed in session.scalars(select(Visit).where(Visit.outcome_reason.is_not(None))):
        closed.status = VisitStatus.APPROVED  # the demo's not-completed visit is decided: only these three wait
    completed = select(Visit).where(Visit.outcome_reason.is_(None))
    recent = session.scalars(completed.order_by(Visit.finished_at.desc()).limit(3)).all()
    for visit in recent:
        visit.status, visit.reviewed_by_id, visit.reviewed_at, visit.review_note = VisitStatus.SUBMITTED, None, None, ""
    session.commit()
    admin = session.scalar(select(User).where(User.email.startswith("admin@")))
    return admin, sorted(recent, key=lambda v: (v.submitted_at, v.finished_at, v.id))


def test_an_admin_returns_a_visit_with_a_note_then_approves_the_next(page, live_server, session, waiting):
    admin, visits = waiting
    sign_in(page, live_server, admin.email, DEMO_PASSWORD)
    page.click("nav.sections >> text=Review")
    assert page.locator("#submitted tbody tr").count() == 3
    page.click("#start-review")
    page.wait_for_load_state()
    assert page.locator("#decision").is_visible() and page.get_by_text("visit 1 of 3").is_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-1280.png"), full_page=True)

    page.click("button[value=return]")  # no note yet: refused, nothing recorded
    assert page.locator(".field-error").first.inner_text() == "Say what the shopper should correct."
    page.fill("#f-note", "The receipt photo is missing; please add it.")
    page.click("button[value=return]")
    page.wait_for_load_state()
    assert page.locator(".flash.success").first.inner_text().endswith("returned for correction.")
    assert page.get_by_text("visit 1 of 2").is_visible()

    page.click("button[value=approve]")
    page.wait_for_load_state()
    assert page.locator(".flash.success").first.inner_text().endswith("approved.")
    session.expire_all()
    first, second = (session.get(Visit, v.id) for v in visits[:2])
    assert (first.status, first.review_note, first.reviewed_by_id) == (
        VisitStatus.RETURNED,
        "The receipt photo is missing; please add it.",
        admin.id,
    )
    assert (second.status, second.reviewed_by_id) == (VisitStatus.APPROVED, admin.id)


def test_the_review_page_fits_a_phone_screen(browser, live_server, waiting):
    admin, visits = waiting
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        sign_in(phone, live_server, admin.email, DEMO_PASSWORD)
        phone.goto(f"{live_server}/review/visits/{visits[0].id}")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        phone.screenshot(path=str(SHOTS / "review-390.png"), full_page=True)
        phone.goto(f"{live_server}/review/")
        phone.screenshot(path=str(SHOTS / "review-queue-390.png"), full_page=True)
    finally:
        context.close()
