"""Device features behind small facades (camera, GPS, clock, code scanner, network, power): desktop, Android (plyer,
lazy) and test versions."""

from __future__ import annotations

from .base import Camera, Clock, CodeScanner, Devices, Gps, Network, Power, SystemClock


def default_devices() -> Devices:
    """The devices of the platform the app runs on (Android via plyer, else the desktop ones)."""
    from kivy.utils import platform

    if platform == "android":
        from .android import android_devices

        return android_devices()
    from .desktop import desktop_devices

    return desktop_devices()


__all__ = [
    "Camera",
    "Clock",
    "CodeScanner",
    "Devices",
    "Gps",
    "Network",
    "Power",
    "SystemClock",
    "default_devices",
]
