"""The network and battery facades: desktop answers, fakes a test flips, and Android's readings through stand-ins
for pyjnius and plyer (every failure there means "cannot tell", which never holds a sync back)."""

from __future__ import annotations

import sys
import types

import pytest

from mobile.devices import Devices, Gps, Network, Power, SystemClock
from mobile.devices.android import AndroidNetwork, PlyerPower
from mobile.devices.base import Camera
from mobile.devices.desktop import desktop_devices
from mobile.devices.fake import FakeNetwork, FakePower, fake_devices
from mobile.sync.autosync import Conditions, Hold


def conditions(devices: Devices) -> Conditions:
    network, power = devices.network, devices.power
    return Conditions(network.connected, network.metered, power.battery_low, power.charging)


def test_a_desktop_is_connected_unmetered_and_cannot_read_a_battery():
    devices = desktop_devices()
    assert (devices.network.connected, devices.network.metered) == (True, False)
    assert (devices.power.battery_low, devices.power.charging) == (None, None)
    assert conditions(devices).hold() is None


def test_devices_made_without_network_and_power_still_work_and_hold_nothing():
    devices = Devices(Camera(), Gps(), SystemClock())
    assert isinstance(devices.network, Network) and isinstance(devices.power, Power)
    assert conditions(devices) == Conditions() and conditions(devices).hold() is None


def test_fakes_are_set_and_flipped_by_the_test():
    network, power = FakeNetwork(), FakePower()
    devices = fake_devices(network=network, power=power)
    assert conditions(devices).hold() is None
    network.is_metered = True
    assert conditions(devices).hold() is Hold.METERED
    network.is_metered, power.is_low = False, True
    assert conditions(devices).hold() is Hold.LOW_BATTERY
    power.is_charging = True
    assert conditions(devices).hold() is None
    network.is_connected = False
    assert conditions(devices).hold() is Hold.OFFLINE


class Info:
    def __init__(self, connected: bool) -> None:
        self.connected = connected

    def isConnected(self) -> bool:  # noqa: N802 - the Java method's name
        return self.connected


class Manager:
    def __init__(self, info: Info | None, metered: bool) -> None:
        self.info, self.metered = info, metered

    def getActiveNetworkInfo(self) -> Info | None:  # noqa: N802
        return self.info

    def isActiveNetworkMetered(self) -> bool:  # noqa: N802
        return self.metered


def fake_jnius(monkeypatch: pytest.MonkeyPatch, manager: Manager) -> None:
    """A pyjnius whose PythonActivity hands out ``manager`` as the connectivity service."""
    activity = types.SimpleNamespace(getSystemService=lambda name: manager if name == "connectivity" else None)
    classes = {
        "android.content.Context": types.SimpleNamespace(CONNECTIVITY_SERVICE="connectivity"),
        "org.kivy.android.PythonActivity": types.SimpleNamespace(mActivity=activity),
    }
    module = types.ModuleType("jnius")
    module.autoclass = classes.__getitem__  # type: ignore[attr-defined]
    module.cast = lambda _name, value: value  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jnius", module)


@pytest.mark.parametrize(
    ("info", "metered", "expected"),
    [
        (Info(True), False, (True, False)),
        (Info(True), True, (True, True)),
        (Info(False), False, (False, False)),
        (None, False, (False, False)),  # no active network at all
    ],
)
def test_android_reads_the_active_network_and_whether_it_is_metered(monkeypatch, info, metered, expected):
    fake_jnius(monkeypatch, Manager(info, metered))
    network = AndroidNetwork()
    assert (network.connected, network.metered) == expected


def test_android_network_that_cannot_be_read_is_unknown_not_offline(monkeypatch):
    monkeypatch.setitem(sys.modules, "jnius", None)  # import fails, as on a desktop
    network = AndroidNetwork()
    assert (network.connected, network.metered) == (None, None)

    class Broken(Manager):
        def isActiveNetworkMetered(self) -> bool:  # noqa: N802
            raise RuntimeError("JVM said no")

    fake_jnius(monkeypatch, Broken(Info(True), False))
    network = AndroidNetwork()
    assert (network.connected, network.metered) == (True, None)


def fake_battery(monkeypatch: pytest.MonkeyPatch, status: object) -> None:
    plyer = types.ModuleType("plyer")
    plyer.battery = types.SimpleNamespace(status=status)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plyer", plyer)


@pytest.mark.parametrize(
    ("status", "low", "charging"),
    [
        ({"percentage": 80.0, "isCharging": False}, False, False),
        ({"percentage": 15.0, "isCharging": False}, True, False),
        ({"percentage": 9.0, "isCharging": True}, True, True),
        ({}, None, None),
        (None, None, None),
    ],
)
def test_android_battery_through_plyer(monkeypatch, status, low, charging):
    fake_battery(monkeypatch, status)
    power = PlyerPower()
    assert (power.battery_low, power.charging) == (low, charging)


def test_a_battery_plyer_cannot_read_is_unknown(monkeypatch):
    monkeypatch.setitem(sys.modules, "plyer", None)
    assert (PlyerPower().battery_low, PlyerPower().charging) == (None, None)
