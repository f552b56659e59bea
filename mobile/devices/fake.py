"""Test devices: a camera that returns a given image, a GPS with a fixed (or no) position, a settable clock, a code
scanner that reads a given text, and a network and battery whose hints a test sets (and flips while the app runs)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from shared.visit import Location

from .base import SCAN_LABELS, Camera, Clock, CodeScanner, Devices, Gps, Network, PhotoCallback, Power, ScanCallback


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


class FakeScanner(CodeScanner):
    """Reads ``text`` (None simulates a cancelled scan); ``launch_link`` is what the system opened the app with."""

    name = "fake scanner"

    def __init__(self, text: str | None = None, launch_link: str | None = None) -> None:
        self.text, self.launch_link = text, launch_link
        self.scans = 0

    def scan(self, on_done: ScanCallback, labels: Mapping[str, str] = SCAN_LABELS) -> None:
        self.scans += 1
        on_done(self.text)

    def pending(self) -> str | None:
        link, self.launch_link = self.launch_link, None
        return link


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
    scan_text: str | None = None,
    launch_link: str | None = None,
    network: FakeNetwork | None = None,
    power: FakePower | None = None,
) -> Devices:
    """Devices for tests."""
    return Devices(
        FakeCamera(image_path),
        FakeGps(location),
        FixedClock(),
        scanner=FakeScanner(scan_text, launch_link),
        network=network or FakeNetwork(),
        power=power or FakePower(),
    )
