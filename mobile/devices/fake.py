"""Test devices: a camera that returns a given image, a GPS with a fixed (or no) position, a settable clock, and a
network and battery whose hints a test sets (and flips while the app runs)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.visit import Location

from .base import Camera, Clock, Devices, Gps, Network, PhotoCallback, Power


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


class FakeNetwork(Network):
    """A network the test sets: ``is_connected`` and ``is_metered`` (None: cannot tell)."""

    name = "fake network"

    def __init__(self, connected: bool | None = True, metered: bool | None = False) -> None:
        self.is_connected, self.is_metered = connected, metered

    @property
    def connected(self) -> bool | None:
        return self.is_connected

    @property
    def metered(self) -> bool | None:
        return self.is_metered


class FakePower(Power):
    """A battery the test sets: ``is_low`` and ``is_charging`` (None: cannot tell)."""

    name = "fake battery"

    def __init__(self, low: bool | None = None, charging: bool | None = None) -> None:
        self.is_low, self.is_charging = low, charging

    @property
    def battery_low(self) -> bool | None:
        return self.is_low

    @property
    def charging(self) -> bool | None:
        return self.is_charging


def fake_devices(
    image_path: str | None = None,
    location: Location | None = None,
    network: FakeNetwork | None = None,
    power: FakePower | None = None,
) -> Devices:
    """Devices for tests."""
    return Devices(
        FakeCamera(image_path), FakeGps(location), FixedClock(), network or FakeNetwork(), power or FakePower()
    )
