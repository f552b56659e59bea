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


def test_an_app_opened_with_a_sign_in_link_signs_in_by_itself(world, tmp_path):
    server, shopper, _assignment = world
    run = run_app(
        tmp_path,
        [["wait_screen", {"name": "assignments"}], ["wait_sync"], ["record", {"name": "pulled"}]],
        launch_link=server.enrolment_link(shopper),
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    assert run.records["pulled"]["sync_ok"] and len(run.records["pulled"]["rows"]) == 1


def test_on_desktop_the_server_and_code_typed_into_the_popup_sign_in(world, tmp_path):
    from urllib.parse import parse_qs, urlsplit

    server, shopper, _assignment = world
    code = parse_qs(urlsplit(server.enrolment_link(shopper)).query)["code"][0]
    typed = "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
    run = run_app(
        tmp_path,
        [
            ["paste_code", {"server": server.url.removeprefix("http://"), "code": "nonsense!"}],
            ["record", {"name": "bad_code"}],
            ["paste_code", {"server": server.url.removeprefix("http://"), "code": typed}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record", {"name": "pulled"}],
        ],
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    assert run.records["bad_code"]["message"].startswith("Code:")
    assert run.records["pulled"]["sync_ok"] and len(run.records["pulled"]["rows"]) == 1


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
