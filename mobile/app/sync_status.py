"""The sync line of the header, from plain state: "All sent · 2 min ago", "2 waiting · offline", "Sending 3 of 5 photos".

Pure (no Kivy): SyncController gathers the state, these functions only word it, in the shopper's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mobile.sync import PHOTOS, PULL, PUSH, REFRESH
from mobile.sync.autosync import Hold

from .i18n import _, count_text, ngettext

SEPARATOR = " · "


@dataclass(frozen=True)
class SyncState:
    """What the header words: a running sync's stage, what waits, where the connection stands, the last sync."""

    now: datetime
    running: bool = False
    stage: str | None = None
    done: int = 0
    total: int | None = None
    photos_done: int = 0
    photos_total: int = 0
    waiting: int = 0
    """Visits the server does not fully hold yet that the next sync sends (outbox, awaiting photos; not drafts)."""
    attention: int = 0
    """Visits the server refused (conflict, invalid, error): the shopper has to look at them."""
    online: str = "unknown"
    hold: Hold | None = None
    last_sync_at: datetime | None = None


def ago_text(then: datetime, now: datetime) -> str:
    """How long ago, roughly: "just now", "5 min ago", "2 hours ago", "3 days ago"."""
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return count_text(minutes, "{n} min ago", "{n} min ago")
    hours = minutes // 60
    if hours < 24:
        return count_text(hours, "{n} hour ago", "{n} hours ago")
    return count_text(hours // 24, "{n} day ago", "{n} days ago")


def photos_done(sizes: Sequence[int], acknowledged: int) -> int:
    """How many photos of an upload list (in upload order) the acknowledged bytes cover completely."""
    complete, covered = 0, 0
    for size in sizes:
        covered += size
        if covered > acknowledged:
            break
        complete += 1
    return complete


def running_text(state: SyncState) -> str:
    """What a running sync is doing now."""
    if state.stage == PULL:
        return _("Getting updates")
    if state.stage == PUSH and state.total:
        return ngettext("Sending {done} of {n} visit", "Sending {done} of {n} visits", state.total).format(
            done=min(state.done + 1, state.total), n=state.total
        )
    if state.stage == PHOTOS and state.photos_total:
        return ngettext("Sending {done} of {n} photo", "Sending {done} of {n} photos", state.photos_total).format(
            done=min(state.photos_done + 1, state.photos_total), n=state.photos_total
        )
    if state.stage == PHOTOS:
        return _("Sending photos")
    if state.stage == REFRESH:
        return _("Checking sent visits")
    return _("Connecting")


def waiting_reason(state: SyncState) -> str:
    """Why visits still wait (the second half of "2 waiting · offline")."""
    if state.hold is Hold.METERED:
        return _("on a metered network: tap Sync now")
    if state.hold is Hold.LOW_BATTERY:
        return _("battery low: tap Sync now")
    if state.hold is Hold.OFFLINE or state.online == "offline":
        return _("offline")
    if state.last_sync_at is None:
        return _("never synced")
    return _("last sync {ago}").format(ago=ago_text(state.last_sync_at, state.now))


def header_text(state: SyncState) -> str:
    """The one sync line of the header."""
    if state.running:
        return running_text(state)
    attention = [count_text(state.attention, "{n} needs attention", "{n} need attention")] if state.attention else []
    if state.waiting:
        parts = [count_text(state.waiting, "{n} waiting", "{n} waiting"), waiting_reason(state), *attention]
    elif state.last_sync_at is None:
        parts = [_("Never synced"), *attention]
    elif attention:  # not "All sent": the server refused these, the shopper has to look at them
        parts = [*attention, _("last sync {ago}").format(ago=ago_text(state.last_sync_at, state.now))]
    else:
        parts = [_("All sent"), ago_text(state.last_sync_at, state.now)]
    return SEPARATOR.join(parts)


def badge_text(state: SyncState) -> str:
    """The short connection badge at the top right."""
    if state.running:
        return _("Syncing")
    if state.hold is Hold.OFFLINE or state.online == "offline":
        return _("Offline")
    if state.hold is Hold.METERED:
        return _("Metered")
    if state.hold is Hold.LOW_BATTERY:
        return _("Low battery")
    if state.online == "online":
        return _("Online")
    return _("Never synced") if state.last_sync_at is None else _("Waiting")
