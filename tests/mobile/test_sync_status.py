"""The header's sync line and badge, worded from plain state (no Kivy window needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mobile.app.sync_status import SyncState, ago_text, badge_text, header_text, photos_done
from mobile.sync import PHOTOS, PULL, PUSH, REFRESH
from mobile.sync.autosync import Hold

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def state(**given) -> SyncState:
    return SyncState(now=NOW, **given)


@pytest.mark.parametrize(
    ("before", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 min ago"),
        (timedelta(minutes=2, seconds=59), "2 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=5, minutes=10), "5 hours ago"),
        (timedelta(days=1, hours=2), "1 day ago"),
        (timedelta(days=3), "3 days ago"),
    ],
)
def test_the_last_sync_is_told_as_a_rough_time_ago(before, text):
    assert ago_text(NOW - before, NOW) == text


def test_a_phone_that_never_synced_says_so_instead_of_unknown():
    assert header_text(state()) == "Never synced"
    assert badge_text(state()) == "Never synced"
    assert badge_text(state(last_sync_at=NOW)) == "Waiting"  # not tried since the app opened
    assert header_text(state(waiting=1)) == "1 waiting · never synced"


def test_all_sent_says_when():
    assert header_text(state(last_sync_at=NOW - timedelta(minutes=2), online="online")) == "All sent · 2 min ago"
    assert badge_text(state(last_sync_at=NOW, online="online")) == "Online"


def test_waiting_visits_say_why_they_wait():
    synced = NOW - timedelta(minutes=7)
    assert header_text(state(waiting=2, online="offline", last_sync_at=synced)) == "2 waiting · offline"
    assert header_text(state(waiting=1, hold=Hold.OFFLINE, last_sync_at=synced)) == "1 waiting · offline"
    assert (
        header_text(state(waiting=2, hold=Hold.METERED, last_sync_at=synced))
        == "2 waiting · on a metered network: tap Sync now"
    )
    assert header_text(state(waiting=3, hold=Hold.LOW_BATTERY)) == "3 waiting · battery low: tap Sync now"
    assert header_text(state(waiting=2, online="online", last_sync_at=synced)) == "2 waiting · last sync 7 min ago"
    assert badge_text(state(waiting=2, hold=Hold.METERED)) == "Metered"
    assert badge_text(state(waiting=2, hold=Hold.LOW_BATTERY)) == "Low battery"
    assert badge_text(state(online="offline", last_sync_at=synced)) == "Offline"


def test_refused_visits_are_counted_with_proper_plurals():
    synced = NOW - timedelta(minutes=1)
    assert header_text(state(attention=1, last_sync_at=synced)) == "1 needs attention · last sync 1 min ago"
    assert header_text(state(waiting=1, attention=2, online="online", last_sync_at=synced)) == (
        "1 waiting · last sync 1 min ago · 2 need attention"
    )


def test_a_running_sync_says_what_it_does_now():
    assert header_text(state(running=True)) == "Connecting"
    assert header_text(state(running=True, stage=PULL, done=3)) == "Getting updates"
    assert header_text(state(running=True, stage=PUSH, done=0, total=1)) == "Sending 1 of 1 visit"
    assert header_text(state(running=True, stage=PUSH, done=1, total=3)) == "Sending 2 of 3 visits"
    photos = state(running=True, stage=PHOTOS, done=250, total=500, photos_done=2, photos_total=5)
    assert header_text(photos) == "Sending 3 of 5 photos"
    assert header_text(state(running=True, stage=PHOTOS, photos_done=5, photos_total=5)) == "Sending 5 of 5 photos"
    assert header_text(state(running=True, stage=REFRESH, done=1, total=2)) == "Checking sent visits"
    assert badge_text(state(running=True, online="offline")) == "Syncing"


def test_photos_done_counts_only_photos_whose_every_byte_was_acknowledged():
    sizes = [100, 50, 200]
    assert [photos_done(sizes, acknowledged) for acknowledged in (0, 99, 100, 149, 150, 349, 350)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
    ]
    assert photos_done([], 10) == 0


def test_sync_results_are_summed_up_with_proper_plurals():
    from mobile.app.syncing import describe
    from mobile.sync import SyncResult

    one = SyncResult(pushed=1, uploaded=1, pulled=1)
    many = SyncResult(pushed=2, uploaded=0, pulled=5, invalid=["a"], failed=["b"])
    assert describe(one) == "Up to date. 1 visit sent, 1 photo uploaded, 1 update."
    assert describe(SyncResult(pushed=3, uploaded=2)) == "Up to date. 3 visits sent, 2 photos uploaded, 0 updates."
    assert describe(SyncResult(conflicts=["x"])) == "1 visit needs attention: open Sent visits to see why."
    assert describe(many) == "2 visits need attention: open Sent visits to see why."
    assert one.summary() == "1 visit sent; 1 photo uploaded; 1 update"
    assert many.summary() == "2 visits sent; 0 photos uploaded; 5 updates; 2 visits need attention"
    assert "(s)" not in describe(many) + many.summary()
