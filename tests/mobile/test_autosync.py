"""The automatic-sync schedule: triggers, back-off with full jitter, reset after success, hints that hold it back."""

from __future__ import annotations

import pytest

from mobile.sync.autosync import AutoSync, Conditions, Hold, Schedule, Trigger

FREE = Conditions(connected=True, metered=False, battery_low=False, charging=False)
SCHEDULE = Schedule(first=15, cap=600, idle=1800, floor=1)


class Rng:
    """A random source the test sets (0 = shortest wait, just under 1 = longest)."""

    def __init__(self, value: float = 0.999999) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


def policy(rng: Rng | None = None) -> AutoSync:
    return AutoSync(SCHEDULE, rng or Rng())


def fail(auto: AutoSync, now: float) -> float:
    """Run one failing sync at ``now``; returns the wait until the next one."""
    auto.started()
    auto.finished(now, ok=False, waiting=1)
    assert auto.due_at is not None
    return auto.due_at - now


def test_app_start_asks_for_a_sync_at_once():
    auto = policy()
    assert auto.due(0, FREE) is None
    auto.request(100, Trigger.START)
    assert auto.due(100, FREE) is Trigger.START


def test_back_off_doubles_after_each_failure_and_stops_at_the_cap():
    auto = policy(Rng(0.999999))
    waits = [fail(auto, 1000.0 * n) for n in range(1, 9)]
    assert waits == pytest.approx([15, 30, 60, 120, 240, 480, 600, 600], abs=0.01)


def test_full_jitter_keeps_every_wait_between_the_floor_and_the_ceiling():
    for value in (0.0, 0.25, 0.5, 0.75, 0.999999):
        auto = policy(Rng(value))
        for failures, ceiling in ((1, 15), (2, 30), (3, 60), (10, 600)):
            while auto.failures < failures:
                wait = fail(auto, 0)
            assert SCHEDULE.floor <= wait <= ceiling
            assert wait == pytest.approx(SCHEDULE.floor + value * (ceiling - SCHEDULE.floor))


def test_not_due_before_the_back_off_has_passed_then_due():
    auto = policy(Rng(0.5))
    auto.request(0, Trigger.START)
    wait = fail(auto, 0)
    assert auto.due(wait - 0.01, FREE) is None
    assert auto.due(wait, FREE) is Trigger.WAITING


def test_a_success_resets_the_back_off_to_the_short_interval_while_visits_wait():
    auto = policy()
    for _ in range(5):
        fail(auto, 0)
    auto.started()
    auto.finished(500, ok=True, waiting=2)
    assert auto.failures == 0 and auto.due_at == 515
    assert fail(auto, 600) == pytest.approx(15, abs=0.01)


def test_with_nothing_waiting_a_success_plans_only_the_slow_pull():
    auto = policy()
    auto.started()
    auto.finished(10, ok=True, waiting=0)
    assert auto.due_at == 1810
    assert auto.due(1809, FREE) is None and auto.due(1810, FREE) is Trigger.WAITING


def test_submitting_a_visit_during_a_long_back_off_asks_for_a_sync_at_once():
    auto = policy()
    for _ in range(6):
        fail(auto, 0)
    auto.request(5, Trigger.SUBMITTED)
    assert auto.due(5, FREE) is Trigger.SUBMITTED


def test_connection_back_from_offline_asks_for_a_sync_at_once():
    auto = policy()
    fail(auto, 0)
    auto.observe(1, Conditions(connected=False))
    assert auto.due(100, Conditions(connected=False)) is None  # no connection at all: no point trying
    auto.observe(2, FREE)
    assert auto.due(2, FREE) is Trigger.ONLINE


def test_a_device_that_stays_connected_never_counts_as_coming_back():
    auto = policy()
    fail(auto, 0)
    auto.observe(1, FREE)
    auto.observe(2, FREE)
    assert auto.due(2, FREE) is None
    unknown = Conditions()
    auto.observe(3, unknown)
    auto.observe(4, FREE)
    assert auto.due(4, FREE) is None  # unknown -> connected is not a return from offline


@pytest.mark.parametrize(
    ("conditions", "hold"),
    [
        (Conditions(connected=True, metered=True), Hold.METERED),
        (Conditions(connected=True, battery_low=True, charging=False), Hold.LOW_BATTERY),
        (Conditions(connected=True, battery_low=True), Hold.LOW_BATTERY),
        (Conditions(connected=False), Hold.OFFLINE),
    ],
)
def test_metered_network_low_battery_and_no_connection_hold_an_automatic_sync(conditions, hold):
    auto = policy()
    auto.request(0, Trigger.SUBMITTED)
    assert conditions.hold() is hold
    assert auto.due(10, conditions) is None
    assert auto.due(11, FREE) is Trigger.SUBMITTED  # the hint went away: the sync it held starts


def test_unknown_hints_and_a_charging_phone_never_hold_a_sync():
    assert Conditions().hold() is None
    assert Conditions(connected=True, battery_low=True, charging=True).hold() is None
    assert Conditions(connected=None, metered=None, battery_low=None).hold() is None


def test_a_manual_sync_on_a_metered_network_runs_and_the_schedule_follows_its_result():
    auto = policy()
    auto.request(0, Trigger.SUBMITTED)
    metered = Conditions(connected=True, metered=True)
    assert auto.due(0, metered) is None
    auto.started()  # the shopper tapped Sync now: the policy is told, it does not decide
    assert auto.due(0, FREE) is None
    auto.finished(3, ok=True, waiting=0)
    assert auto.due(3, FREE) is None and auto.due_at == 1803


def test_no_automatic_sync_is_due_while_one_runs_and_triggers_coalesce_into_one_more():
    auto = policy()
    auto.request(0, Trigger.START)
    auto.started()
    auto.request(1, Trigger.SUBMITTED)
    auto.request(2, Trigger.RESUME)
    auto.observe(2, Conditions(connected=False))
    auto.observe(3, FREE)
    assert auto.due(3, FREE) is None
    auto.finished(4, ok=True, waiting=1)
    assert auto.due(4, FREE) is Trigger.SUBMITTED  # one run follows, for the first trigger that came in
    auto.started()
    auto.finished(5, ok=True, waiting=0)
    assert auto.due(5, FREE) is None


def test_an_expired_sign_in_stops_automatic_syncs_until_a_sync_gets_through_again():
    auto = policy()
    auto.request(0, Trigger.START)
    auto.started()
    auto.request(1, Trigger.SUBMITTED)
    auto.finished(2, ok=False, waiting=1, needs_login=True)
    assert auto.due_at is None and auto.due(10_000, FREE) is None
    auto.request(3, Trigger.RESUME)
    auto.observe(4, Conditions(connected=False))
    auto.observe(5, FREE)
    assert auto.due(10_000, FREE) is None  # not even on resume or a returning connection
    auto.started()  # signed in again: the sign-in's own sync gets through
    auto.finished(20, ok=True, waiting=0)
    auto.request(21, Trigger.RESUME)
    assert auto.due(21, FREE) is Trigger.RESUME


def test_the_schedule_reads_its_intervals_from_the_environment():
    schedule = Schedule.from_env(
        {
            "FIELDAUDIT_AUTOSYNC_FIRST_SECONDS": "0.5",
            "FIELDAUDIT_AUTOSYNC_CAP_SECONDS": "2",
            "FIELDAUDIT_AUTOSYNC_IDLE_SECONDS": "60",
        }
    )
    assert (schedule.first, schedule.cap, schedule.idle, schedule.floor) == (0.5, 2, 60, 0.5)
    assert Schedule.from_env({}) == Schedule()
    assert Schedule.from_env({"FIELDAUDIT_AUTOSYNC_FIRST_SECONDS": "900"}).cap == 900


@pytest.mark.parametrize("text", ["0", "-3", "soon"])
def test_a_bad_interval_in_the_environment_is_refused_by_name(text):
    with pytest.raises(ValueError, match="FIELDAUDIT_AUTOSYNC_FIRST_SECONDS"):
        Schedule.from_env({"FIELDAUDIT_AUTOSYNC_FIRST_SECONDS": text})
