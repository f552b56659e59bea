"""Runs BackgroundSync for the app and turns its progress and result into status text (main thread only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.clock import Clock

from mobile.sync import BackgroundSync, SyncEngine, SyncResult

if TYPE_CHECKING:
    from .main import FieldauditApp

STAGES = {"pull": "Getting updates", "push": "Sending visits", "photos": "Uploading photos",
          "refresh": "Checking sent visits"}


def dispatch(fn) -> None:
    """Run fn on the Kivy main thread."""
    Clock.schedule_once(lambda dt: fn())


class SyncController:
    """One sync at a time in a thread; widgets are only touched in the callbacks Clock runs on the main thread."""

    def __init__(self, app: FieldauditApp) -> None:
        self.app = app
        self.runner = BackgroundSync(self._engine, on_progress=self._progress, on_finished=self._finished,
                                     dispatch=dispatch)
        self.last_result: SyncResult | None = None
        self.finished_runs = 0

    def _engine(self) -> SyncEngine:
        return SyncEngine.for_account(self.app.store, self.app.account_id)

    def start(self) -> bool:
        """Start a sync (False when one is running or nobody is signed in)."""
        if self.app.account_id is None or self.runner.running:
            return False
        started = self.runner.start()
        if started:
            self.app.sync_running, self.app.sync_progress = True, 0
            self.app.sync_message = "Connecting..."
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
            self.app.sync_progress = min(100, 100 * done / total)
            self.app.sync_message = f"{label}: {done} of {total}"
        else:
            self.app.sync_progress = (self.app.sync_progress + 10) % 100
            self.app.sync_message = f"{label}: {done}"

    def _finished(self, result: SyncResult) -> None:
        app = self.app
        self.last_result = result
        self.finished_runs += 1
        app.sync_running = False
        app.sync_progress = 100 if result.ok else 0
        app.sync_message = describe(result)
        app.online = "offline" if result.offline else ("online" if not result.needs_login else app.online)
        app.refresh_status()
        if result.needs_login:
            app.show_sign_in(app.sync_message)
            return
        screen = app.manager.current_screen
        if hasattr(screen, "reload"):
            screen.reload()


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
