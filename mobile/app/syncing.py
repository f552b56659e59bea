"""SyncController: runs BackgroundSync for one account, manually or on the AutoSync schedule; its Kivy properties and
events carry sync state to the UI."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty

from mobile.devices import Devices
from mobile.devices.base import Network, Power
from mobile.store import AccountStore, LocalStore, VisitState
from mobile.sync import PHOTOS, PULL, PUSH, REFRESH, BackgroundSync, SyncEngine, SyncResult
from mobile.sync.autosync import AutoSync, Conditions, Hold, Schedule, Trigger

from .i18n import _, count_text
from .sync_status import SyncState, badge_text, header_text, photos_done

WAITING_STATES = (VisitState.OUTBOX, VisitState.AWAITING_PHOTOS)
"""What an automatic sync exists for: visits the next sync sends (drafts are not finished; refusals need the shopper)."""
ATTENTION_STATES = (VisitState.CONFLICT, VisitState.INVALID, VisitState.ERROR)
POWER_EVERY = 30.0
"""Seconds between battery readings (the network is read at every tick: its return starts a sync at once)."""


def stage_label(stage: str) -> str:
    """The progress stage as the shopper reads it."""
    labels = {
        PULL: _("Getting updates"),
        PUSH: _("Sending visits"),
        PHOTOS: _("Uploading photos"),
        REFRESH: _("Checking sent visits"),
    }
    return labels.get(stage, stage)


def dispatch(fn: Callable[[], None]) -> None:
    """Run fn on the Kivy main thread."""
    Clock.schedule_once(lambda dt: fn())


class SyncController(EventDispatcher):
    """One sync at a time in a thread; properties change (and on_finished fires) only on the Kivy main thread.

    kv binds to ``running``, ``progress``, ``message``, ``online`` and the header's ``status`` and ``badge``; the
    app listens to ``on_finished`` and calls ``tick()`` on a Clock interval so that automatic syncs start when due.
    """

    account_id = ObjectProperty(None, allownone=True)
    """The signed-in account the next sync is for (None: nobody signed in, nothing to sync)."""
    running = BooleanProperty(False)
    progress = NumericProperty(0)
    message = StringProperty("")
    online = OptionProperty("unknown", options=["unknown", "online", "offline"])
    last_result = ObjectProperty(None, allownone=True)
    finished_runs = NumericProperty(0)
    auto_runs = NumericProperty(0)
    """Syncs started by the schedule (app start, resume, submit, connection back, periodic) rather than a tap."""
    status = StringProperty("")
    """The header's sync line (sync_status.header_text): "All sent · 2 min ago", "2 waiting · offline"..."""
    badge = StringProperty("")
    """The header's short connection badge: Online, Offline, Syncing, Metered..."""

    __events__ = ("on_finished",)

    def __init__(
        self,
        store: LocalStore,
        devices: Devices | None = None,
        schedule: Schedule | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.network: Network = devices.network if devices is not None else Network()
        self.power: Power = devices.power if devices is not None else Power()
        self.wall_clock: Callable[[], datetime] = (
            devices.clock.now if devices is not None else lambda: datetime.now(UTC)
        )
        self.schedule = schedule or Schedule()
        self.monotonic = monotonic
        self.policy = AutoSync(self.schedule)
        self.runner = BackgroundSync(
            self._engine, on_progress=self._progress, on_finished=self._finished, dispatch=dispatch
        )
        self._shop: AccountStore | None = None
        self._counts: dict[VisitState, int] = {}
        self._stage: tuple[str | None, int, int | None] = (None, 0, None)
        self._photo_sizes: list[int] | None = None
        self._hold: Hold | None = None
        self._last_sync_at: datetime | None = None
        self._power: tuple[float, bool | None, bool | None] | None = None
        self.refresh_header()

    def _engine(self) -> SyncEngine:
        return SyncEngine.for_account(self.store, self.account_id)

    def on_account_id(self, _instance: object, account_id: int | None) -> None:
        """A new account (or none): its own schedule, counts and header."""
        self.policy = AutoSync(self.schedule)
        self._shop = None if account_id is None else self.store.for_account(account_id)
        self.refresh_counts()

    # -- starting ------------------------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a sync now, whatever the schedule or the network hints say ("Sync now", pull to refresh, sign-in).

        False when one is running or nobody is signed in."""
        return self._start()

    def trigger(self, reason: Trigger) -> None:
        """Ask for an automatic sync (app start, resume...): it starts at once unless one runs or a hint holds it."""
        self.policy.request(self.monotonic(), reason)
        self.tick()

    def visit_submitted(self) -> None:
        """A visit went into the outbox: count it in the header and send it as soon as the schedule allows."""
        self.refresh_counts()
        self.trigger(Trigger.SUBMITTED)

    def tick(self) -> None:
        """Called on a Clock interval: read the device hints, start an automatic sync if one is due, reword the header."""
        now = self.monotonic()
        conditions = self.conditions()
        self.policy.observe(now, conditions)
        self._hold = conditions.hold()
        if conditions.connected is False and not self.running:
            self.online = "offline"
        if self.account_id is not None and self.policy.due(now, conditions) is not None and self._start():
            self.auto_runs += 1
        self.refresh_header()

    def conditions(self) -> Conditions:
        """What the network and battery facades say now (None where they cannot tell)."""
        now = self.monotonic()
        if self._power is None or now - self._power[0] >= POWER_EVERY:
            self._power = (now, self.power.battery_low, self.power.charging)
        return Conditions(
            connected=self.network.connected,
            metered=self.network.metered,
            battery_low=self._power[1],
            charging=self._power[2],
        )

    def _start(self) -> bool:
        if self.account_id is None or self.runner.running:
            return False
        started = self.runner.start()
        if started:
            self.policy.started()
            self._stage, self._photo_sizes = (None, 0, None), None
            self.running, self.progress, self.message = True, 0, _("Connecting...")
            self.refresh_header()
        return started

    def cancel(self) -> None:
        """Ask a running sync to stop at its next step (never blocks the UI)."""
        self.runner.cancel()

    def stop(self) -> None:
        """Cancel and wait a little (app shutdown)."""
        self.runner.cancel()
        self.runner.join(5)

    # -- state for the header ------------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Re-read how many visits wait or need attention (after a sync, a submit, an account change)."""
        self._read_counts()
        self.refresh_header()

    def _read_counts(self) -> None:
        shop = self._shop
        self._counts = shop.drafts.state_counts() if shop is not None else {}
        self._last_sync_at = shop.account.last_sync_at if shop is not None else None

    @property
    def waiting(self) -> int:
        """Visits the next sync sends (outbox and awaiting photos)."""
        return sum(self._counts.get(state, 0) for state in WAITING_STATES)

    def state(self) -> SyncState:
        """Everything the header words, gathered now."""
        stage, done, total = self._stage
        photo_total = len(self._photo_sizes or [])
        return SyncState(
            now=self.wall_clock(),
            running=self.running,
            stage=stage,
            done=done,
            total=total,
            photos_done=photos_done(self._photo_sizes or [], done) if stage == PHOTOS else 0,
            photos_total=photo_total,
            waiting=self.waiting,
            attention=sum(self._counts.get(state, 0) for state in ATTENTION_STATES),
            online=str(self.online),
            hold=self._hold,
            last_sync_at=self._last_sync_at,
        )

    def refresh_header(self) -> None:
        """Reword the header's status line and badge from the current state."""
        if self.account_id is None or self._shop is None:
            self.status, self.badge = "", ""
            return
        state = self.state()
        self.status, self.badge = header_text(state), badge_text(state)

    # -- callbacks of the running sync (main thread) -------------------------------------------------------------
    def _progress(self, stage: str, done: int, total: int | None) -> None:
        label = stage_label(stage)
        if stage == PHOTOS and self._photo_sizes is None and self._shop is not None:
            self._photo_sizes = [photo.size for photo in self._shop.outbox.photos_to_upload()]
        self._stage = (stage, done, total)
        if total:
            self.progress = min(100, 100 * done / total)
            self.message = _("{stage}: {done} of {total}").format(stage=label, done=done, total=total)
        else:
            self.progress = (self.progress + 10) % 100
            self.message = _("{stage}: {done}").format(stage=label, done=done)
        self.refresh_header()

    def _finished(self, result: SyncResult) -> None:
        self.last_result = result
        self.finished_runs += 1
        self.running = False
        self.progress = 100 if result.ok else 0
        self.message = describe(result)
        self.online = "offline" if result.offline else ("online" if not result.needs_login else self.online)
        self._stage, self._photo_sizes = (None, 0, None), None
        self._read_counts()
        self.policy.finished(self.monotonic(), ok=result.ok, waiting=self.waiting, needs_login=result.needs_login)
        self.dispatch("on_finished", result)
        self.tick()  # a trigger that came in during the run starts its sync now

    def on_finished(self, result: SyncResult) -> None:
        """Default handler of the event (the app binds its own)."""


def describe(result: SyncResult) -> str:
    """What happened and what to do, in the shopper's words."""
    if result.needs_login:
        return _("Your sign-in has expired. Sign in again; nothing on this phone is lost.")
    if result.offline:
        return _("No connection to the server. Your visits are safe on this phone; sync again when you have signal.")
    attention = len(result.conflicts) + len(result.invalid) + len(result.failed)
    if attention:
        return count_text(
            attention,
            "{n} visit needs attention: open Sent visits to see why.",
            "{n} visits need attention: open Sent visits to see why.",
        )
    if result.errors:
        return _("Sync stopped: {error}. Try again later; nothing is lost.").format(error=result.errors[-1])
    if result.cancelled:
        return _("Sync cancelled; what was sent stays sent.")
    return _("Up to date. {visits}, {photos}, {updates}.").format(
        visits=count_text(result.pushed, "{n} visit sent", "{n} visits sent"),
        photos=count_text(result.uploaded, "{n} photo uploaded", "{n} photos uploaded"),
        updates=count_text(result.pulled, "{n} update", "{n} updates"),
    )
