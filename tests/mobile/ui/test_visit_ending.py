"""Ending a visit early through the real screens: "Could not complete" with a reason reaches the server unscored and
shows on the Sent card; "Discard visit" (confirmed) deletes the draft, the server gets nothing and the assignment is
"Not started" again."""

from __future__ import annotations

import json

import pytest

from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, run_app


@pytest.fixture
def world(live_server):
    shopper = live_server.shopper()
    branch = live_server.branch()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    assignment = live_server.assignment(shopper, branch, template_id)
    return live_server, shopper, assignment


def signed_in(server, shopper) -> list:
    return [
        ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
        ["wait_screen", {"name": "assignments"}],
        ["wait_sync"],
    ]


def test_a_visit_that_could_not_be_completed_is_sent_with_its_reason_and_no_score(world, tmp_path):
    server, shopper, assignment_id = world
    run = run_app(
        tmp_path,
        [
            *signed_in(server, shopper),
            ["open_assignment", {"index": 0}],
            ["answer", {"key": "open_at_posted_hours", "value": "no"}],
            ["record_ending", {"name": "visit"}],
            ["press_text", {"text": "Could not complete"}],
            ["popup_press", {"text": "Confirm"}],
            ["record_ending", {"name": "no_reason"}],
            ["popup_press", {"text": "Other"}],
            ["popup_press", {"text": "Confirm"}],
            ["record_ending", {"name": "other_without_comment"}],
            ["popup_press", {"text": "Shop closed"}],
            ["popup_comment", {"text": "Shutters [b]down[/b] & no notice"}],
            ["screenshot", {"path": str(tmp_path / "not-completed-popup.png")}],
            ["popup_press", {"text": "Confirm"}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["go", {"name": "sent"}],
            ["record_ending", {"name": "sent"}],
            ["record", {"name": "sent_markup"}],
            ["screenshot", {"path": str(tmp_path / "not-completed-sent.png")}],
        ],
        name="not-completed",
        server=server.url,
        gps="51.5072,-0.1276",
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    records = run.records
    assert records["visit"]["discard_shown"] and records["visit"]["screen"] == "visit"
    assert records["no_reason"]["popup"] == "Could not complete the visit"
    assert records["no_reason"]["popup_error"] == "Choose why the visit could not be completed."
    assert records["other_without_comment"]["popup_error"].startswith("Say what happened")
    stored = server.visit(records["visit"]["visit_id"])
    assert (stored["status"], stored["score_percent"], stored["outcome"]) == (
        "submitted",
        None,
        ("shop_closed", "Shutters [b]down[/b] & no notice"),
    )
    [card] = records["sent"]["texts"]
    assert "Could not complete: Shop closed - Shutters &bl;b&br;down&bl;/b&br; &amp; no notice" in card
    drawn = " ".join(m["words"] for m in records["sent_markup"]["markup"])
    assert "Could not complete: Shop closed" in drawn and "[b]down[/b] & no notice" in drawn  # literally, not bold
    assert (tmp_path / "not-completed-popup.png").exists()


def test_a_discarded_visit_never_reaches_the_server_and_the_assignment_is_not_started_again(world, tmp_path):
    server, shopper, assignment_id = world
    run = run_app(
        tmp_path,
        [
            *signed_in(server, shopper),
            ["open_assignment", {"index": 0}],
            ["answer", {"key": "open_at_posted_hours", "value": "yes"}],
            ["go", {"name": "assignments"}],
            ["record_ending", {"name": "in_progress"}],
            ["open_assignment", {"index": 0}],
            ["press_text", {"text": "Discard visit"}],
            ["record_ending", {"name": "asked"}],
            ["popup_press", {"text": "Cancel"}],
            ["record_ending", {"name": "kept"}],
            ["press_text", {"text": "Discard visit"}],
            ["screenshot", {"path": str(tmp_path / "discard-popup.png")}],
            ["popup_press", {"text": "Discard"}],
            ["wait_screen", {"name": "assignments"}],
            ["sync"],
            ["record_ending", {"name": "after"}],
        ],
        name="discard",
        server=server.url,
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    records = run.records
    assert records["in_progress"]["statuses"][0][1].startswith("In progress")
    assert records["asked"]["popup"] == "Discard visit"
    assert records["kept"]["popup"] is None and records["kept"]["screen"] == "visit"
    assert records["after"]["statuses"][0][1].startswith("Not started")
    assert server.count("Visit") == 0
