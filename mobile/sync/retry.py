"""Retrying server calls: exponential backoff with full jitter on network errors and 5xx, never on a 4xx."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import ApiError, SyncCancelled

T = TypeVar("T")


@dataclass
class RetryPolicy:
    """At most ``attempts`` tries, waiting uniform(0, min(cap, base * 2**n)) between; sleep and rng injectable."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = field(default=random.random)

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` consecutive failures (full jitter)."""
        return float(self.rng() * min(self.cap, self.base * (2 ** (failures - 1))))

    def call(
        self,
        action: Callable[[], T],
        cancel: threading.Event | None = None,
        on_retry: Callable[[ApiError, float], None] | None = None,
    ) -> T:
        """Run ``action``; retry it while it raises a retryable ApiError and tries are left, else re-raise."""
        failures = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise SyncCancelled()
            try:
                return action()
            except ApiError as error:
                failures += 1
                if not error.retryable or failures >= self.attempts:
                    raise
                wait = self.delay(failures)
                if on_retry is not None:
                    on_retry(error, wait)
                self.wait(wait, cancel)

    def wait(self, seconds: float, cancel: threading.Event | None) -> None:
        """Sleep, but wake early (and stop) when the sync is cancelled."""
        if cancel is not None and self.sleep is time.sleep:
            if cancel.wait(seconds):
                raise SyncCancelled()
            return
        self.sleep(seconds)
