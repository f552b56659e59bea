"""Android devices through plyer and pyjnius (imported lazily here only): camera, GPS, clock, network, battery, and
the sign-in link the phone's camera app opens the app with (the intent filter in mobile/android/)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    SCAN_LABELS,
    Camera,
    CodeScanner,
    Devices,
    Gps,
    Network,
    PhotoCallback,
    Power,
    ScanCallback,
    SystemClock,
)

LOW_BATTERY_PERCENT = 15
"""Android's own low-battery warning level."""


class PlyerCamera(Camera):
    """The phone camera via plyer.camera; the result comes back on the main thread."""

    name = "camera"

    def capture(self, target_path: str, on_done: PhotoCallback) -> None:
        from kivy.clock import Clock
        from plyer import camera

        def complete(path: str | None) -> bool:
            Clock.schedule_once(lambda dt: on_done(path or None))
            return False  # keep the file: the store copies it

        _allow_file_uris()
        try:
            camera.take_picture(filename=target_path, on_complete=complete)
        except Exception:  # noqa: BLE001 - no camera app or permission refused: the shopper can retry
            Clock.schedule_once(lambda dt: on_done(None))


def _allow_file_uris() -> None:
    """plyer's camera hands the camera app a file:// URI, which Android 7+ refuses unless the VM policy allows it."""
    try:
        from jnius import autoclass  # type: ignore[import-not-found]

        strict_mode = autoclass("android.os.StrictMode")
        builder = autoclass("android.os.StrictMode$VmPolicy$Builder")
        strict_mode.setVmPolicy(builder().build())
    except Exception:  # noqa: BLE001 - not on Android, or the policy is already relaxed
        pass


class PlyerGps(Gps):
    """The GPS via plyer.gps; ``last`` holds the latest fix (None until one arrives)."""

    name = "gps"

    def __init__(self) -> None:
        self._started = False

    @property
    def available(self) -> bool:
        return True

    def start(self) -> None:
        if self._started:
            return
        try:
            from android.permissions import Permission, request_permissions  # type: ignore[import-not-found]

            request_permissions([Permission.ACCESS_FINE_LOCATION, Permission.ACCESS_COARSE_LOCATION, Permission.CAMERA])
        except ImportError:
            pass
        try:
            from plyer import gps

            gps.configure(on_location=self._on_location)
            gps.start(minTime=5000, minDistance=5)
            self._started = True
        except Exception:  # noqa: BLE001 - location off or refused: the visit records no position
            self._started = False

    def stop(self) -> None:
        if self._started:
            from plyer import gps

            gps.stop()
            self._started = False

    def _on_location(self, **kwargs: float) -> None:
        from shared.visit import Location

        try:
            self.last = Location(
                lat=float(kwargs["lat"]),
                lon=float(kwargs["lon"]),
                accuracy_m=float(kwargs["accuracy"]) if kwargs.get("accuracy") else None,
            )
        except (KeyError, TypeError, ValueError):
            pass


ENROL_LINK = "fieldaudit://enrol"


class IntentScanner(CodeScanner):
    """The phone's own camera app reads the QR code and opens fieldaudit://enrol links with this app (the intent
    filter in mobile/android/enrol_intent_filter.xml); ``scan`` shows the paste popup meanwhile, for a link copied
    from elsewhere or a code typed by hand. Untested on a device in CI: see mobile/README.md."""

    name = "camera app link"

    def __init__(self) -> None:
        self._pending: str | None = None
        self._popup: Any = None
        self._waiting: ScanCallback | None = None
        self._bound = False

    def _bind(self) -> None:
        """Read the intent that started the app and listen for later ones (once; a no-op off Android)."""
        if self._bound:
            return
        self._bound = True
        try:
            from android import activity  # type: ignore[import-not-found]
            from jnius import autoclass  # type: ignore[import-not-found]

            activity.bind(on_new_intent=self._on_intent)
            self._take(autoclass("org.kivy.android.PythonActivity").mActivity.getIntent())
        except Exception:  # noqa: BLE001 - not on Android, or no intent: the paste popup still works
            pass

    def _take(self, intent: Any) -> str | None:
        """The enrol link an intent carries (cleared from it, so a restart does not reuse it), else None."""
        data = intent.getDataString() if intent is not None else None
        if not data or not str(data).lower().startswith(ENROL_LINK):
            return None
        intent.setData(None)
        self._pending = str(data)
        return self._pending

    def _on_intent(self, intent: Any) -> None:
        """A link arrived while the app runs (Java thread): hand it to the open popup or the sign-in screen."""
        from kivy.clock import Clock

        if self._take(intent) is None:
            return
        Clock.schedule_once(lambda dt: self._deliver())

    def _deliver(self) -> None:
        target = self._waiting or self.listener
        if target is None or self._pending is None:
            return  # nobody is asking: pending() hands it over when the sign-in screen shows
        link, self._pending, self._waiting = self._pending, None, None
        if self._popup is not None:
            self._popup.dismiss()
            self._popup = None
        target(link)

    def pending(self) -> str | None:
        self._bind()
        link, self._pending = self._pending, None
        return link

    def scan(self, on_done: ScanCallback, labels: Mapping[str, str] = SCAN_LABELS) -> None:
        from .desktop import paste_popup

        self._bind()
        link = self.pending()
        if link is not None:
            on_done(link)
            return

        def done(text: str | None) -> None:
            self._popup = self._waiting = None
            on_done(text)

        self._waiting = done
        self._popup = paste_popup(done, labels, extra=labels["camera_app"])


class AndroidNetwork(Network):
    """The active network through ConnectivityManager (needs ACCESS_NETWORK_STATE); any failure answers None."""

    name = "android network"

    def __init__(self) -> None:
        self._manager: Any = None

    def _connectivity(self) -> Any:
        if self._manager is None:
            from jnius import autoclass, cast  # type: ignore[import-not-found]

            context = autoclass("android.content.Context")
            activity = autoclass("org.kivy.android.PythonActivity").mActivity
            service = activity.getSystemService(context.CONNECTIVITY_SERVICE)
            self._manager = cast("android.net.ConnectivityManager", service)
        return self._manager

    @property
    def connected(self) -> bool | None:
        try:
            info = self._connectivity().getActiveNetworkInfo()
            return info is not None and bool(info.isConnected())
        except Exception:  # noqa: BLE001 - unknown: an automatic sync is allowed to try
            return None

    @property
    def metered(self) -> bool | None:
        try:
            return bool(self._connectivity().isActiveNetworkMetered())
        except Exception:  # noqa: BLE001 - unknown: an automatic sync is allowed to try
            return None


class PlyerPower(Power):
    """The battery via plyer.battery (percentage and charging); any failure answers None."""

    name = "battery"

    def _status(self) -> dict[str, Any]:
        try:
            from plyer import battery

            return dict(battery.status or {})
        except Exception:  # noqa: BLE001 - unknown battery
            return {}

    @property
    def battery_low(self) -> bool | None:
        percentage = self._status().get("percentage")
        return None if percentage is None else float(percentage) <= LOW_BATTERY_PERCENT

    @property
    def charging(self) -> bool | None:
        charging = self._status().get("isCharging")
        return None if charging is None else bool(charging)


def android_devices() -> Devices:
    """The phone's camera, GPS, clock, camera-app link for signing in, network and battery."""
    return Devices(
        PlyerCamera(),
        PlyerGps(),
        SystemClock(),
        scanner=IntentScanner(),
        network=AndroidNetwork(),
        power=PlyerPower(),
    )
