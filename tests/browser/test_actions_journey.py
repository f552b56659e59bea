"""A branch contact in Chromium finds the actions an approved visit's critical failures raised, works one to done
with a comment and an evidence photo, and raises another by hand from an answer on the visit page."""

from __future__ import annotations

from sqlalchemy import select

from server.models import ActionStatus, CorrectiveAction, CorrectiveActionEvidence
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.server.actions.conftest import world  # noqa: F401 - the world fixture
from tests.server.photos.factories import jpeg_bytes

SHOTS = "/tmp/fieldaudit-actions"


def test_the_branch_contact_works_an_automatic_action_to_done_and_raises_one_from_the_visit_page(
    page,
    live_server,
    world,  # noqa: F811 - the imported fixture
    session,
    tmp_path,
):
    visit = world.approve(world.submitted_visit())
    sign_in(page, live_server, world.manager.email, PASSWORD)
    page.click("nav >> text=Actions")
    page.wait_for_load_state()
    assert page.url.endswith("/actions/mine")
    assert page.locator("#actions tbody tr").count() == 2
    page.screenshot(path=f"{SHOTS}-mine.png", full_page=True)

    page.click("text=Critical failure: Price matched?")
    page.wait_for_load_state()
    page.click("#status-buttons >> text=Mark in progress")
    page.wait_for_load_state()
    photo = tmp_path / "fixed.jpg"
    photo.write_bytes(jpeg_bytes((64, 48)))
    page.set_input_files("#f-photo", str(photo))
    page.fill("#evidence-form input[name=caption]", "New shelf label")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#f-comment", "Labels reprinted for the whole aisle")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#status-buttons >> text=Mark done")
    page.wait_for_load_state()
    assert "Labels reprinted for the whole aisle" in page.content()
    assert page.locator("#evidence img").count() == 1
    assert page.evaluate("document.querySelector('#evidence img').naturalWidth") == 64
    page.screenshot(path=f"{SHOTS}-action.png", full_page=True)

    page.goto(f"{live_server}/visits/{visit.id}")
    assert page.locator("#visit-actions li").count() == 2
    page.locator(".answer", has_text="How clean?").locator("text=Raise an action").click()
    page.wait_for_load_state()
    assert page.input_value("#f-title") == "Fix: How clean?"
    page.fill("#f-title", "Dust the shelves by the door")
    page.screenshot(path=f"{SHOTS}-new.png", full_page=True)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert "Action raised." in page.content()

    page.goto(f"{live_server}/actions/regions/{world.branch.region_id}/overdue")
    assert "No actions match" in page.content()
    page.goto(f"{live_server}/actions/branches/{world.branch.id}")
    assert page.locator("#actions tbody tr").count() == 3
    page.screenshot(path=f"{SHOTS}-branch.png", full_page=True)

    session.expire_all()
    done = session.scalar(select(CorrectiveAction).where(CorrectiveAction.question_key == "price_ok"))
    assert done.status is ActionStatus.DONE
    assert [e.kind for e in done.events] == ["created", "status", "evidence", "comment", "status"]
    assert session.scalar(select(CorrectiveActionEvidence.caption)) == "New shelf label"
    hand = session.scalar(select(CorrectiveAction).where(CorrectiveAction.question_key == "clean"))
    assert (hand.title, hand.visit_id, hand.owner_id) == ("Dust the shelves by the door", visit.id, world.manager.id)
