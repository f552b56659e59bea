"""Test devices: a camera that returns a given image, a GPS with a fixed (or no) position, a settable clock."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.visit import Location

from .base import Camera, Clock, Devices, Gps, PhotoCallback


class FakeCamera(Camera):
    """Returns ``image_path`` (None simulates a cancelled capture); records every request."""

    name = "fake camera"

    def __init__(self, image_path: str | None) -> None:
        self.image_path = image_path
        self.requests: list[str] = []

    def capture(self, target_path: str, on_done: PhotoCallback) -> None:
        self.requests.append(target_path)
        on_done(self.image_path)


class FakeGps(Gps):
    """A GPS that always reports ``location`` (None: no GPS on this device)."""

    name = "fake gps"

    def __init__(self, location: Location | None = None) -> None:
        self.last = location

    @property
    def available(self) -> bool:
        return self.last is not None


class FixedClock(Clock):
    """A clock the test sets (``moment``), or the real time when None."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment or datetime.now(UTC)


def fake_devices(image_path: str | None = None, location: Location | None = None) -> Devices:
    """Devices for tests."""
    return Devices(FakeCamera(image_path), FakeGps(location), FixedClock())
