"""Expired sessions, returned visits and signing out, through the real screens."""

from __future__ import annotations

import json

import pytest

from tests.mobile.factories import write_png
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, run_app

ALL = {
    "open_at_posted_hours": "yes",
    "easy_to_find": "yes",
    "wait_minutes": 2,
    "storefront_photo": True,
    "greeted_within_minute": "yes",
    "acknowledged_while_busy": "no",
    "phone_answered_four_rings": "yes",
    "product_knowledge": 5,
    "answers_accurate": "yes",
    "offered_options": "yes",
    "listened_without_interrupting": 5,
    "asked_open_questions": "yes",
    "showed_empathy": 4,
    "premises_clean": 4,
    "delivered_as_promised": "yes",
    "price_matched": "no",
    "receipt_photo": True,
    "admitted_unsure": "yes",
    "no_pressure_selling": "yes",
    "thanked_invited_back": "yes",
    "follow_up_on_time": "yes",
    "overall_satisfaction": 5,
    "service_level": "exceptional",
    "what_stood_out": "Fast",
}


@pytest.fixture
def world(live_server, tmp_path):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    live_server.assignment(shopper, live_server.branch(), template_id)
    live_server.set_settings(show_score_preview=True)  # this organisation lets shoppers see the preview
    photo = write_png(tmp_path / "camera", "shot.png")
    return live_server, shopper, photo


def test_returned_visit_is_corrected_and_an_expired_session_asks_to_sign_in(world, tmp_path):
    server, shopper, photo = world
    app = lambda name, steps: run_app(tmp_path, steps, photo=photo, name=name)  # noqa: E731
    sent = app(
        "send",
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["open_assignment", {"index": 0}],
            ["fill_visit", {"answers": ALL}],
            ["record", {"name": "review"}],
            ["submit"],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["record", {"name": "sent"}],
        ],
    )
    assert sent.returncode == 0, sent.results.get("error") or sent.stderr
    visit_id = sent.records["review"]["visit_id"]
    assert server.visit(visit_id)["score_percent"] == pytest.approx(sent.records["review"]["preview"])

    server.return_for_correction(visit_id, "Please add the receipt total in a comment.")
    server.expire_tokens(shopper)
    fixed = app(
        "correct",
        [
            ["sync"],
            ["record", {"name": "expired"}],
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["go", {"name": "sent"}],
            ["record", {"name": "returned"}],
            ["press_text", {"text": "Correct and resubmit"}],
            ["record", {"name": "reopened"}],
            ["next"],
            ["next"],
            ["next"],
            ["next"],
            ["next"],
            ["comment", {"key": "price_matched", "text": "Receipt total 12.40"}],
            ["press", {"screen": "visit", "id": "review_top"}],
            ["submit"],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["record", {"name": "resent"}],
        ],
    )
    assert fixed.returncode == 0, fixed.results.get("error") or fixed.stderr
    r = fixed.records
    assert r["expired"]["screen"] == "signin" and "expired" in r["expired"]["message"]
    assert any("Please add the receipt total" in t and "Returned for correction" in t for t in r["returned"]["texts"])
    assert r["reopened"]["screen"] == "visit" and r["reopened"]["visit_id"] == visit_id
    assert r["resent"]["sync_ok"] and r["resent"]["pending"] == 0
    documents = server.revision_documents(visit_id)
    assert len(documents) == 2
    assert any(a.get("comment") == "Receipt total 12.40" for a in documents[-1]["answers"])


def test_sign_out_warns_about_unsent_visits_and_keeps_them(world, tmp_path):
    server, shopper, photo = world
    run = run_app(
        tmp_path,
        [
            ["sign_in", {"server": "http://127.0.0.1:9", "email": shopper.email, "password": PASSWORD}],
            ["record", {"name": "unreachable"}],
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["pull"],
            ["record", {"name": "pulled"}],
            ["open_assignment", {"index": 0}],
            ["answer", {"key": "easy_to_find", "value": "yes"}],
            ["go", {"name": "settings"}],
            ["press", {"screen": "settings", "id": "sign_out"}],
            ["record", {"name": "warned"}],
            ["press_text", {"text": "Sign out anyway"}],
            ["record", {"name": "out"}],
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["record", {"name": "back"}],
        ],
        photo=photo,
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    assert "Cannot reach the server at http://127.0.0.1:9" in run.records["unreachable"]["message"]
    assert run.records["pulled"]["sync_ok"]  # pull to refresh ran a second sync
    assert run.records["warned"]["popup"] == ["Unsent visits"] and run.records["warned"]["unsent"] == 1
    assert run.records["out"]["screen"] == "signin" and "kept" in run.records["out"]["message"]
    assert run.records["back"]["unsent"] == 1


def test_a_shopper_with_an_authenticator_is_asked_for_the_code_and_gets_in_with_it(world, tmp_path):
    import time

    from server.services.accounts.mfa import code_for

    server, shopper, photo = world
    secret = server.enrol_second_factor(shopper)
    run = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["record", {"name": "asked"}],
            ["screenshot", {"path": str(tmp_path / "code-asked.png")}],
            ["sign_in_code", {"code": "000000"}],
            ["record", {"name": "wrong"}],
            ["sign_in_code", {"code": code_for(secret, int(time.time()) // 30 + 1)}],
            ["wait_screen", {"name": "assignments"}],
            ["record", {"name": "in"}],
        ],
        photo=photo,
        name="code",
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    asked, wrong = run.records["asked"], run.records["wrong"]
    assert asked["screen"] == "signin" and asked["needs_code"] and "authenticator app" in asked["message"]
    assert wrong["needs_code"] and "not right" in wrong["message"]
    assert run.records["in"]["screen"] == "assignments"
