"""Signing in with the admin's QR code through the real screens: the scanned link signs in and pulls the day's work;
a used or malformed code, and a typed address the app cannot use, get a readable message."""

from __future__ import annotations

import json

import pytest

from tests.mobile.ui.harness import DEMO, run_app


@pytest.fixture
def world(live_server):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    assignment = live_server.assignment(shopper, live_server.branch(), template_id)
    return live_server, shopper, assignment


def test_a_scanned_code_signs_in_and_the_first_sync_pulls_the_assignment(world, tmp_path):
    server, shopper, _assignment = world
    link = server.enrolment_link(shopper)
    first = run_app(
        tmp_path,
        [
            ["scan_code"],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record", {"name": "pulled"}],
        ],
        name="scan",
        scan=link,
    )
    assert first.returncode == 0, first.results.get("error") or first.stderr
    pulled = first.records["pulled"]
    assert pulled["sync_ok"] and pulled["online"] == "online" and len(pulled["rows"]) == 1

    # the same code on another phone: used already
    again = run_app(
        tmp_path / "other-phone",
        [["scan_code"], ["record", {"name": "refused"}]],
        name="again",
        scan=link,
    )
    assert again.returncode == 0, again.results.get("error") or again.stderr
    refused = again.records["refused"]
    assert refused["screen"] == "signin" and "used already" in refused["message"]


def test_a_scan_that_is_not_a_sign_in_link_and_a_bad_address_are_explained(world, tmp_path):
    server, shopper, _ = world
    run = run_app(
        tmp_path,
        [
            ["scan_code"],
            ["record", {"name": "not_a_link"}],
            ["sign_in", {"server": "ftp://audit.example.org", "email": shopper.email, "password": "x"}],
            ["record", {"name": "bad_address"}],
        ],
        scan="https://example.org/some/page",
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    assert "not a Fieldaudit sign-in code" in run.records["not_a_link"]["message"]
    assert run.records["bad_address"]["message"].startswith("Server address:")
    assert "https://" in run.records["bad_address"]["message"]
