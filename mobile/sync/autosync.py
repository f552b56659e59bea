"""When the next automatic sync is due: triggers, back-off with full jitter after failures, and what holds it back.

Pure policy (no Kivy, no clock of its own): the app feeds it monotonic seconds, the device hints and the number of
visits waiting, and asks ``due(now)`` on a timer. A manual "Sync now" never asks the policy; it only tells it that a
sync started and finished, so the two never overlap and the schedule restarts from that result.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

FIRST_ENV, CAP_ENV, IDLE_ENV = (
    "FIELDAUDIT_AUTOSYNC_FIRST_SECONDS",
    "FIELDAUDIT_AUTOSYNC_CAP_SECONDS",
    "FIELDAUDIT_AUTOSYNC_IDLE_SECONDS",
)


class Trigger(StrEnum):
    """Why an automatic sync was asked for now."""

    START = "start"  # the app opened
    RESUME = "resume"  # the app came back to the foreground
    SUBMITTED = "submitted"  # a visit was finished into the outbox
    ONLINE = "online"  # the device got a connection back
    WAITING = "waiting"  # something is unsent: the periodic retry came round


class Hold(StrEnum):
    """Why an automatic sync waits although one is due (the header says it; a manual sync still runs)."""

    OFFLINE = "offline"  # the device has no connection at all
    METERED = "metered"  # the connection is metered (mobile data the shopper may pay for)
    LOW_BATTERY = "low_battery"  # battery low and not charging


@dataclass(frozen=True)
class Conditions:
    """What the device says about itself; None means it cannot tell, which never holds a sync back."""

    connected: bool | None = None
    metered: bool | None = None
    battery_low: bool | None = None
    charging: bool | None = None

    def hold(self) -> Hold | None:
        """The reason an automatic sync must wait now, if any."""
        if self.connected is False:
            return Hold.OFFLINE
        if self.metered is True:
            return Hold.METERED
        if self.battery_low is True and self.charging is not True:
            return Hold.LOW_BATTERY
        return None


@dataclass(frozen=True)
class Schedule:
    """The intervals: ``first`` after a failure (doubling up to ``cap``, full jitter, never below ``floor``),
    ``first`` again while something waits after a success, ``idle`` for a pull when nothing waits."""

    first: float = 15.0
    cap: float = 600.0
    idle: float = 1800.0
    floor: float = 1.0

    def backoff(self, failures: int, rng: Callable[[], float]) -> float:
        """Seconds to wait after ``failures`` consecutive failed runs: uniform(floor, min(cap, first * 2**(n-1)))."""
        ceiling = min(self.cap, self.first * 2 ** max(0, failures - 1))
        floor = min(self.floor, ceiling)
        return float(floor + rng() * (ceiling - floor))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Schedule:
        """The default schedule, with intervals overridden by FIELDAUDIT_AUTOSYNC_*_SECONDS (tests run in seconds)."""
        default = cls()

        def seconds(name: str, fallback: float) -> float:
            text = environ.get(name, "").strip()
            if not text:
                return fallback
            try:
                value = float(text)
            except ValueError:
                value = 0.0
            if not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {text!r}")
            return value

        first = seconds(FIRST_ENV, default.first)
        cap = max(first, seconds(CAP_ENV, max(default.cap, first)))
        return cls(first=first, cap=cap, idle=seconds(IDLE_ENV, default.idle), floor=min(default.floor, first))


@dataclass
class AutoSync:
    """The schedule state of one signed-in account: when the next automatic sync is due and why."""

    schedule: Schedule = field(default_factory=Schedule)
    rng: Callable[[], float] = field(default=random.random)
    due_at: float | None = None
    """Monotonic second at which an automatic sync should start (None: nothing planned)."""
    reason: Trigger | None = None
    failures: int = 0
    running: bool = False
    again: Trigger | None = None
    """A trigger that arrived while a sync ran: one more run follows it (triggers coalesce into one run)."""
    connected: bool | None = None
    needs_login: bool = False
    """The last sync found the sign-in refused: no automatic sync until a sync (after signing in) gets through."""

    def request(self, now: float, trigger: Trigger) -> None:
        """Ask for a sync as soon as possible; while one runs, one more follows it (never two at once)."""
        if self.needs_login:
            return
        if self.running:
            self.again = self.again or trigger
            return
        if self.due_at is None or now < self.due_at:
            self.due_at, self.reason = now, trigger

    def observe(self, now: float, conditions: Conditions) -> None:
        """Feed the device's connection state: coming back from offline asks for a sync now."""
        was, self.connected = self.connected, conditions.connected
        if was is False and conditions.connected is True:
            self.request(now, Trigger.ONLINE)

    def due(self, now: float, conditions: Conditions) -> Trigger | None:
        """The trigger of an automatic sync to start now, or None (not due, running, or held back)."""
        if self.running or self.due_at is None or now < self.due_at or conditions.hold() is not None:
            return None
        return self.reason or Trigger.WAITING

    def started(self) -> None:
        """A sync (automatic or manual) started: nothing else starts until it finished."""
        self.running, self.again, self.due_at, self.reason = True, None, None, None

    def finished(self, now: float, *, ok: bool, waiting: int, needs_login: bool = False) -> None:
        """A sync finished: plan the next one from its result and the number of visits still waiting."""
        self.running, self.needs_login = False, needs_login
        if needs_login:  # nothing can sync until the shopper signs in again (and a manual sync gets through)
            self.due_at, self.reason, self.again = None, None, None
            return
        if ok:
            self.failures = 0
            delay = self.schedule.first if waiting else self.schedule.idle
        else:
            self.failures += 1
            delay = self.schedule.backoff(self.failures, self.rng)
        self.due_at, self.reason = now + delay, Trigger.WAITING
        if self.again is not None:
            trigger, self.again = self.again, None
            self.request(now, trigger)

    def seconds_left(self, now: float) -> float | None:
        """Seconds until the next planned automatic sync (0 when overdue, None when none is planned)."""
        return None if self.due_at is None else max(0.0, self.due_at - now)
