"""Automatic sync through the real app: a visit submitted offline reaches the server by itself once the server is
back (no tap on Sync), and a metered network or a low battery holds the automatic sync while Sync now still works."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tests.mobile.factories import write_png
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, SwitchableServer, run_app
from tests.mobile.ui.test_account_and_corrections import ALL

FAST = {
    "FIELDAUDIT_AUTOSYNC_FIRST_SECONDS": "0.5",
    "FIELDAUDIT_AUTOSYNC_CAP_SECONDS": "2",
    "FIELDAUDIT_AUTOSYNC_IDLE_SECONDS": "600",
}
WINDOW = 2 + 7.5 + 5
"""Back-off cap, plus the worst retry waits inside one offline run (0.5+1+2+4 s), plus a sync's own time."""


@pytest.fixture
def world(live_server, tmp_path):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    live_server.assignment(shopper, live_server.branch(), template_id)
    switch = SwitchableServer(live_server)
    yield live_server, switch, shopper, write_png(tmp_path / "camera", "shot.png")
    switch.start()  # the fixture's teardown stops a running server


def submit_steps() -> list:
    return [
        ["open_assignment", {"index": 0}],
        ["fill_visit", {"answers": ALL}],
        ["record", {"name": "review"}],
        ["submit"],
        ["wait_screen", {"name": "assignments"}],
    ]


def records_so_far(path) -> dict:
    """What a running app has recorded up to now (the driver rewrites its file after every step)."""
    try:
        return json.loads(path.read_text()).get("records", {})
    except (OSError, ValueError):
        return {}


def test_a_visit_submitted_offline_is_sent_by_itself_when_the_server_is_back(world, tmp_path):
    server, switch, shopper, photo = world
    signed = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record_sync", {"name": "signed_in"}],
        ],
        photo=photo,
        name="signin",
        env=FAST,
    )
    assert signed.returncode == 0, signed.results.get("error") or signed.stderr
    assert signed.records["signed_in"]["status"] in ("All sent · just now", "All sent · 1 min ago")

    switch.stop()
    outcome: dict = {}
    steps = [
        *submit_steps(),
        ["wait_sync"],
        ["record_sync", {"name": "offline"}],
        ["screenshot", {"path": str(tmp_path / "waiting-offline.png")}],
        ["wait_pending", {"count": 0, "seconds": 28}],
        ["record_sync", {"name": "sent"}],
    ]
    worker = threading.Thread(
        target=lambda: outcome.update(run=run_app(tmp_path, steps, photo=photo, name="auto", env=FAST, timeout=120))
    )
    worker.start()
    deadline = time.monotonic() + 90
    while "offline" not in records_so_far(tmp_path / "auto-out.json") and worker.is_alive():
        assert time.monotonic() < deadline, "the app never recorded its offline state"
        time.sleep(0.2)
    offline = records_so_far(tmp_path / "auto-out.json").get("offline")
    time.sleep(3)  # a few back-off rounds against the dead server
    switch.start()
    back_at = time.time()
    worker.join(150)
    run = outcome["run"]
    assert run.returncode == 0, run.results.get("error") or run.stderr
    visit_id = run.records["review"]["visit_id"]
    assert offline["pending"] == 1 and offline["online"] == "offline" and offline["offline"]
    assert offline["status"] == "1 waiting · offline" and offline["drawn_status"] == offline["status"]
    assert offline["badge"] == "Offline" and offline["drawn_badge"] == "Offline"
    sent = run.records["sent"]
    assert sent["pending"] == 0 and sent["sync_ok"] and sent["online"] == "online"
    assert sent["auto_runs"] > offline["auto_runs"]  # no tap: the schedule sent it
    assert sent["wall"] - back_at < WINDOW
    assert sent["status"] in ("All sent · just now", "All sent · 1 min ago")
    assert sent["settings_status"] == sent["status"]
    held = server.visit(visit_id)
    assert held is not None and len(held["photos"]) == 2


@pytest.mark.parametrize(
    ("hint", "reason", "badge"),
    [
        ({"FIELDAUDIT_FAKE_NETWORK": "metered"}, "on a metered network: tap Sync now", "Metered"),
        ({"FIELDAUDIT_FAKE_BATTERY": "low"}, "battery low: tap Sync now", "Low battery"),
    ],
)
def test_a_metered_network_or_a_low_battery_holds_the_automatic_sync_but_not_sync_now(
    world, tmp_path, hint, reason, badge
):
    server, _switch, shopper, photo = world
    run = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record_sync", {"name": "before"}],
            *submit_steps(),
            ["sleep", {"seconds": 3}],  # six first back-off intervals: an automatic sync would have run
            ["record_sync", {"name": "held"}],
            ["screenshot", {"path": str(tmp_path / "held.png")}],
            ["sync"],
            ["record_sync", {"name": "tapped"}],
        ],
        photo=photo,
        name="held",
        env={**FAST, **hint},
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    before, held, tapped = run.records["before"], run.records["held"], run.records["tapped"]
    visit_id = run.records["review"]["visit_id"]
    assert before["sync_ok"]  # signing in synced: the shopper asked for it
    assert held["finished_runs"] == before["finished_runs"] and held["auto_runs"] == 0
    assert held["pending"] == 1 and held["status"] == f"1 waiting · {reason}" and held["badge"] == badge
    assert held["drawn_status"] == held["status"]
    assert tapped["sync_ok"] and tapped["pending"] == 0 and tapped["auto_runs"] == 0
    assert server.visit(visit_id) is not None


def test_the_connection_coming_back_sends_a_waiting_visit_at_once(world, tmp_path):
    server, _switch, shopper, photo = world
    slow = {**FAST, "FIELDAUDIT_AUTOSYNC_FIRST_SECONDS": "600", "FIELDAUDIT_AUTOSYNC_CAP_SECONDS": "600"}
    run = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["set_network", {"connected": False, "metered": False}],  # signal lost, nothing waiting
            ["sleep", {"seconds": 1.5}],
            ["set_network", {"connected": True, "metered": False}],
            ["wait_auto_runs", {"count": 1, "seconds": 10}],
            ["record_sync", {"name": "pulled"}],
            ["set_network", {"connected": False, "metered": False}],  # into a shop without signal
            *submit_steps(),
            ["sleep", {"seconds": 1.5}],
            ["record_sync", {"name": "no_signal"}],
            ["set_network", {"connected": True, "metered": False}],  # out on the street again
            ["wait_pending", {"count": 0, "seconds": 15}],
            ["record_sync", {"name": "back"}],
        ],
        photo=photo,
        name="signal",
        env=slow,  # only the connection's return, not the schedule, can sync in time
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    pulled, no_signal, back = run.records["pulled"], run.records["no_signal"], run.records["back"]
    assert pulled["auto_runs"] == 1 and pulled["sync_ok"]  # the schedule's next pull was 10 min away
    assert no_signal["auto_runs"] == 1 and no_signal["pending"] == 1
    assert no_signal["status"] == "1 waiting · offline" and no_signal["badge"] == "Offline"
    assert back["auto_runs"] == 2 and back["sync_ok"] and back["pending"] == 0
    assert back["wall"] - no_signal["wall"] < 12
    assert server.visit(run.records["review"]["visit_id"]) is not None
