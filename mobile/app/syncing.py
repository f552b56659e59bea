"""SyncController: runs BackgroundSync for one account; its Kivy properties and events carry sync state to the UI."""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty

from mobile.store import LocalStore
from mobile.sync import BackgroundSync, SyncEngine, SyncResult

STAGES = {
    "pull": "Getting updates",
    "push": "Sending visits",
    "photos": "Uploading photos",
    "refresh": "Checking sent visits",
}


def dispatch(fn: Callable[[], None]) -> None:
    """Run fn on the Kivy main thread."""
    Clock.schedule_once(lambda dt: fn())


class SyncController(EventDispatcher):
    """One sync at a time in a thread; properties change (and on_finished fires) only on the Kivy main thread.

    kv binds to ``running``, ``progress``, ``message`` and ``online``; the app listens to ``on_finished``.
    """

    account_id = ObjectProperty(None, allownone=True)
    """The signed-in account the next sync is for (None: nobody signed in, nothing to sync)."""
    running = BooleanProperty(False)
    progress = NumericProperty(0)
    message = StringProperty("")
    online = OptionProperty("unknown", options=["unknown", "online", "offline"])
    last_result = ObjectProperty(None, allownone=True)
    finished_runs = NumericProperty(0)

    __events__ = ("on_finished",)

    def __init__(self, store: LocalStore, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.runner = BackgroundSync(
            self._engine, on_progress=self._progress, on_finished=self._finished, dispatch=dispatch
        )

    def _engine(self) -> SyncEngine:
        return SyncEngine.for_account(self.store, self.account_id)

    def start(self) -> bool:
        """Start a sync (False when one is running or nobody is signed in)."""
        if self.account_id is None or self.runner.running:
            return False
        started = self.runner.start()
        if started:
            self.running, self.progress, self.message = True, 0, "Connecting..."
        return started

    def cancel(self) -> None:
        """Ask a running sync to stop at its next step (never blocks the UI)."""
        self.runner.cancel()

    def stop(self) -> None:
        """Cancel and wait a little (app shutdown)."""
        self.runner.cancel()
        self.runner.join(5)

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        label = STAGES.get(stage, stage)
        if total:
            self.progress = min(100, 100 * done / total)
            self.message = f"{label}: {done} of {total}"
        else:
            self.progress = (self.progress + 10) % 100
            self.message = f"{label}: {done}"

    def _finished(self, result: SyncResult) -> None:
        self.last_result = result
        self.finished_runs += 1
        self.running = False
        self.progress = 100 if result.ok else 0
        self.message = describe(result)
        self.online = "offline" if result.offline else ("online" if not result.needs_login else self.online)
        self.dispatch("on_finished", result)

    def on_finished(self, result: SyncResult) -> None:
        """Default handler of the event (the app binds its own)."""


def describe(result: SyncResult) -> str:
    """What happened and what to do, in the shopper's words."""
    if result.needs_login:
        return "Your sign-in has expired. Sign in again; nothing on this phone is lost."
    if result.offline:
        return "No connection to the server. Your visits are safe on this phone; sync again when you have signal."
    attention = len(result.conflicts) + len(result.invalid) + len(result.failed)
    if attention:
        return f"{attention} visit(s) need attention: open Sent visits to see why."
    if result.errors:
        return f"Sync stopped: {result.errors[-1]}. Try again later; nothing is lost."
    if result.cancelled:
        return "Sync cancelled; what was sent stays sent."
    return f"Up to date. {result.pushed} visit(s) sent, {result.uploaded} photo(s) uploaded, {result.pulled} update(s)."
