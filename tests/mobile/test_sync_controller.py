"""SyncController on the schedule, with a runner the test finishes by hand and a clock it moves: automatic syncs
start when due, never two at once, wait for a metered network, and the header says what stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mobile.app.syncing import SyncController
from mobile.devices.fake import FakeNetwork, FakePower, fake_devices
from mobile.sync import Schedule, SyncResult, Trigger
from tests.mobile.factories import fill, write_png


class Runner:
    """Stands in for BackgroundSync: counts starts, refuses a second one, finishes when the test says."""

    def __init__(self) -> None:
        self.running, self.starts = False, 0

    def start(self) -> bool:
        if self.running:
            return False
        self.running, self.starts = True, self.starts + 1
        return True

    def cancel(self) -> None:
        pass


class Time:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rig(local_store, shop):
    network, power, clock = FakeNetwork(), FakePower(), Time()
    devices = fake_devices(network=network, power=power)
    devices.clock.moment = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    controller = SyncController(local_store, devices, Schedule(first=10, cap=40, idle=600, floor=1), clock)
    controller.runner = Runner()
    controller.account_id = shop.account.id
    return controller, network, power, clock, devices


def finish(controller: SyncController, result: SyncResult) -> None:
    """What BackgroundSync does when its thread ends (on the main thread)."""
    controller.runner.running = False
    controller._finished(result)


def submit(shop, assignment_id, folder) -> None:
    """A visit filled and finished into the outbox, as Submit leaves it."""
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(folder))
    assert shop.drafts.finish_visit(visit.id).ok


def test_app_start_syncs_once_and_triggers_during_the_run_make_one_more_run(rig, shop, assignment_id, tmp_path):
    controller, _network, _power, clock, _devices = rig
    controller.tick()
    assert controller.runner.starts == 0  # nothing asked yet
    controller.trigger(Trigger.START)
    assert controller.runner.starts == 1 and controller.auto_runs == 1 and controller.status == "Connecting"
    submit(shop, assignment_id, tmp_path)
    controller.visit_submitted()
    controller.trigger(Trigger.RESUME)
    controller.tick()
    assert controller.runner.starts == 1  # never two at once
    clock.now += 1
    finish(controller, SyncResult())
    assert controller.runner.starts == 2 and controller.auto_runs == 2  # the coalesced run, right after
    finish(controller, SyncResult())  # this runner sent nothing: the visit still waits
    clock.now += 9.9
    controller.tick()
    assert controller.runner.starts == 2
    clock.now += 0.1
    controller.tick()
    assert controller.runner.starts == 3  # again after the short interval while anything waits


def test_with_nothing_waiting_only_the_slow_pull_follows(rig):
    controller, _network, _power, clock, _devices = rig
    controller.trigger(Trigger.START)
    finish(controller, SyncResult(pulled=2))
    clock.now += 599
    controller.tick()
    assert controller.runner.starts == 1
    clock.now += 1
    controller.tick()
    assert controller.runner.starts == 2


def test_failures_back_off_and_the_header_says_offline(rig, shop, assignment_id, tmp_path):
    controller, _network, _power, clock, _devices = rig
    controller.policy.rng = lambda: 0.999999
    submit(shop, assignment_id, tmp_path)
    controller.visit_submitted()
    finish(controller, SyncResult(offline=True, errors=["cannot reach the server"]))
    assert controller.status == "1 waiting · offline" and controller.badge == "Offline"
    clock.now += 9.9
    controller.tick()
    assert controller.runner.starts == 1
    clock.now += 0.2
    controller.tick()
    assert controller.runner.starts == 2
    finish(controller, SyncResult(offline=True, errors=["cannot reach the server"]))
    clock.now += 19.8
    controller.tick()
    assert controller.runner.starts == 2  # the second wait is twice as long
    clock.now += 0.3
    controller.tick()
    assert controller.runner.starts == 3


def test_a_metered_network_holds_the_automatic_sync_but_sync_now_runs(rig, shop, assignment_id, tmp_path):
    controller, network, _power, _clock, _devices = rig
    network.is_metered = True
    submit(shop, assignment_id, tmp_path)
    controller.visit_submitted()
    assert controller.runner.starts == 0
    assert controller.status == "1 waiting · on a metered network: tap Sync now" and controller.badge == "Metered"
    assert controller.start()
    assert controller.runner.starts == 1 and controller.auto_runs == 0


def test_a_low_battery_holds_it_until_the_phone_charges(rig, shop, assignment_id, tmp_path):
    controller, _network, power, clock, _devices = rig
    power.is_low = True
    submit(shop, assignment_id, tmp_path)
    controller.visit_submitted()
    assert controller.runner.starts == 0 and controller.status == "1 waiting · battery low: tap Sync now"
    power.is_charging = True
    clock.now += 30  # the battery is read every 30 s
    controller.tick()
    assert controller.runner.starts == 1


def test_the_header_tells_the_last_sync_as_time_passes(rig, shop):
    controller, _network, _power, _clock, devices = rig
    assert controller.status == "Never synced"
    shop.mark_synced()
    synced = shop.account.last_sync_at
    devices.clock.moment = synced + timedelta(seconds=5)
    controller.trigger(Trigger.START)
    finish(controller, SyncResult())
    assert controller.status == "All sent · just now" and controller.badge == "Online"
    devices.clock.moment = synced + timedelta(minutes=2, seconds=1)
    controller.tick()
    assert controller.status == "All sent · 2 min ago"


def test_signed_out_nothing_syncs_and_the_header_is_empty(rig):
    controller, _network, _power, _clock, _devices = rig
    controller.account_id = None
    controller.trigger(Trigger.RESUME)
    assert controller.runner.starts == 0 and controller.status == "" and controller.badge == ""
