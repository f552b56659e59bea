"""The facade interfaces the screens use, so a visit never depends on which phone (or test) it runs on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.visit import Location

PhotoCallback = Callable[["str | None"], None]
"""Called on the main thread with the path of the captured image, or None when the shopper cancelled."""


class Camera:
    """Takes a photo (camera on Android, file chooser on desktop) and hands back a file path."""

    name = "none"

    def capture(self, target_path: str, on_done: PhotoCallback) -> None:
        """Capture into (or pick a file instead of) target_path; calls on_done(path or None)."""
        on_done(None)


class Gps:
    """Reports the current position; ``last`` is None when the device has none (absent on desktop: recorded so)."""

    name = "none"
    last: Location | None = None

    def start(self) -> None:
        """Begin listening for fixes (no-op when there is no GPS)."""

    def stop(self) -> None:
        """Stop listening (saves battery when no visit is open)."""

    @property
    def available(self) -> bool:
        """Whether this device can give a position at all."""
        return False


ScanCallback = Callable[["str | None"], None]
"""Called on the main thread with the scanned (or pasted) text, or None when the shopper cancelled."""

SCAN_LABELS = {
    "title": "Sign in with a code",
    "link": "Sign-in link (paste it here)",
    "or": "Or type what your coordinator's screen shows:",
    "server": "Server address",
    "code": "Code",
    "cancel": "Cancel",
    "use": "Sign in",
    "camera_app": "Or scan the QR code with your phone's camera app: it opens Fieldaudit with the code.",
}
"""The scanner popup's texts in English; the screen passes them translated (devices sit below the app's i18n)."""


class CodeScanner:
    """Reads the sign-in QR code an admin shows (camera app link on Android, a paste popup on desktop)."""

    name = "none"
    listener: ScanCallback | None = None
    """Set by the sign-in screen while it shows: a link the system hands over later (Android) goes there."""

    def scan(self, on_done: ScanCallback, labels: Mapping[str, str] = SCAN_LABELS) -> None:
        """Read one code; calls on_done(text or None)."""
        on_done(None)

    def pending(self) -> str | None:
        """A sign-in link the system opened the app with (Android), once; None when there is none."""
        return None


class Clock:
    """The time stamps of a visit (start, finish, photos), aware and in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SystemClock(Clock):
    """The device clock."""


class Network:
    """What the device says about its connection; None means it cannot tell (and never holds a sync back)."""

    name = "none"

    @property
    def connected(self) -> bool | None:
        """Whether any network is up (a server may still be unreachable)."""
        return None

    @property
    def metered(self) -> bool | None:
        """Whether the connection may cost the shopper money (mobile data): automatic syncs then wait."""
        return None


class Power:
    """What the device says about its battery; None means it cannot tell."""

    name = "none"

    @property
    def battery_low(self) -> bool | None:
        """Whether the battery is low: automatic syncs then wait (unless charging)."""
        return None

    @property
    def charging(self) -> bool | None:
        """Whether the device is plugged in."""
        return None


@dataclass
class Devices:
    """The set of device features the app was given (the tests inject fakes)."""

    camera: Camera
    gps: Gps
    clock: Clock
    scanner: CodeScanner = field(default_factory=CodeScanner)
    network: Network = field(default_factory=Network)
    power: Power = field(default_factory=Power)
