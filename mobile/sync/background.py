"""Sync off the UI thread; Kivy passes dispatch=lambda fn: Clock.schedule_once(lambda dt: fn()) for main-thread calls."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .engine import SyncEngine
from .result import SyncResult, log

Dispatch = Callable[[Callable[[], None]], None]


class BackgroundSync:
    """One sync at a time in a daemon thread; start() again after it finished, cancel() to stop between steps."""

    def __init__(
        self,
        engine: SyncEngine | Callable[[], SyncEngine],
        *,
        on_progress: Callable[[str, int, int | None], None] | None = None,
        on_finished: Callable[[SyncResult], None] | None = None,
        dispatch: Dispatch | None = None,
    ) -> None:
        self._engine = engine
        self.on_progress, self.on_finished = on_progress, on_finished
        self._dispatch: Dispatch = dispatch or (lambda fn: fn())
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.last_result: SyncResult | None = None

    @property
    def running(self) -> bool:
        """Whether a sync is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start a sync unless one is running; returns whether one was started."""
        with self._lock:
            if self.running:
                return False
            self._cancel = threading.Event()
            self._thread = threading.Thread(
                target=self._work, args=(self._cancel,), name="fieldaudit-sync", daemon=True
            )
            self._thread.start()
            return True

    def cancel(self) -> None:
        """Ask the running sync to stop at the next step or chunk; what it stored stays."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> SyncResult | None:
        """Wait for the running sync (tests, app shutdown); returns its result if it finished."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return None if self.running else self.last_result

    def _work(self, cancel: threading.Event) -> None:
        try:
            engine = (
                self._engine() if callable(self._engine) and not isinstance(self._engine, SyncEngine) else self._engine
            )
            result = engine.run(progress=self._progress, cancel=cancel)
        except Exception as error:  # noqa: BLE001 - a bug must reach the UI as a result, not kill the thread silently
            log.exception("sync crashed")
            result = SyncResult(errors=[f"sync failed: {error}"])
        self.last_result = result
        if self.on_finished is not None:
            callback = self.on_finished
            self._dispatch(lambda: callback(result))

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        if self.on_progress is not None:
            callback = self.on_progress
            self._dispatch(lambda: callback(stage, done, total))
