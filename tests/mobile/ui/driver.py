"""Runs the real app in this process with fake devices and a scripted list of UI actions; results go to a JSON file.

python -m tests.mobile.ui.driver --data-dir D --script steps.json --out result.json [--photo PNG] [--size WxH]
Each step is [action, {args}]; actions press the real widgets (trigger_action) or type into the real TextInputs.
The fake network and battery start as FIELDAUDIT_FAKE_NETWORK (comma list of offline, metered) and
FIELDAUDIT_FAKE_BATTERY (low, charging) say; the set_network / set_power actions flip them while the app runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--photo")
    parser.add_argument("--size", default="405x720")
    parser.add_argument("--server", default="")
    parser.add_argument("--gps", default="", help="lat,lon the fake GPS reports (none: no GPS)")
    parser.add_argument("--scan", default=None, help="the text the fake code scanner reads (none: a cancelled scan)")
    parser.add_argument("--launch-link", default=None, help="the link the system opened the app with (Android intent)")
    args = parser.parse_args()
    from kivy.config import Config

    width, height = args.size.split("x")
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    from kivy.clock import Clock

    from mobile.app.main import FieldauditApp
    from mobile.devices.fake import FakeNetwork, FakePower, fake_devices
    from tests.mobile.ui.actions import Runner

    started = time.perf_counter()
    from shared.visit import Location

    location = Location(*map(float, args.gps.split(",")), accuracy_m=8.0) if args.gps else None
    network_hints = os.environ.get("FIELDAUDIT_FAKE_NETWORK", "").split(",")
    battery_hints = os.environ.get("FIELDAUDIT_FAKE_BATTERY", "").split(",")
    network = FakeNetwork(connected="offline" not in network_hints, metered="metered" in network_hints)
    power = FakePower(low="low" in battery_hints, charging="charging" in battery_hints)
    devices = fake_devices(args.photo, location, args.scan, args.launch_link, network, power)
    app = FieldauditApp(data_dir=args.data_dir, server=args.server, devices=devices)
    steps = json.loads(Path(args.script).read_text())
    runner = Runner(app, steps, Path(args.out), started)
    Clock.schedule_once(lambda dt: runner.begin(), 0)
    app.run()
    runner.write()
    sys.exit(1 if runner.results.get("error") else 0)


if __name__ == "__main__":
    main()
