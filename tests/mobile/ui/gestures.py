"""Driver actions that act as the device or the person holding it: screenshots, drags, back key, sleep, SIGKILL."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from kivy.core.window import Window


class DeviceActions:
    """Mixed into the Runner: ``self.app``, ``self.screen()``, ``self.results`` and ``self.write()`` come from it."""

    def do_screenshot(self, path: str):
        """Save the window as a PNG (after one frame so the layout has settled)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        state = {"n": 0}

        def shot() -> bool:
            state["n"] += 1
            if state["n"] == 3:
                produced = Window.screenshot(name=path)
                if produced and produced != path:
                    os.replace(produced, path)
            return state["n"] > 3

        return shot

    def do_scroll(self, screen: str, id: str, y: float):
        self.screen(screen).ids[id].scroll_y = y

    def do_sleep(self, seconds: float):
        until = time.monotonic() + seconds
        return lambda: time.monotonic() >= until

    def do_timed_answer(self, key: str, value: Any, name: str):
        """Time one saved answer through the widget (benchmark)."""
        start = time.perf_counter()
        self.do_answer(key, value)
        self.results["records"][name] = time.perf_counter() - start

    def do_kill(self):
        self.write()
        os.kill(os.getpid(), signal.SIGKILL)

    def do_pull(self):
        """Drag the visit list down from near its top by 150 px, as a finger would (pull to refresh)."""
        from kivy.tests.common import UnitTestTouch

        scroller = self.screen("assignments").ids.scroller
        x, top = scroller.to_window(scroller.center_x, scroller.top - 20)
        runs = self.app.syncer.finished_runs
        touch = UnitTestTouch(x, top)
        touch.touch_down()
        for step in range(1, 6):
            touch.touch_move(x, top - 30 * step)
        touch.touch_up()
        return lambda: self.app.syncer.finished_runs > runs

    def do_back(self):
        """The Android back key (Escape on a desktop)."""
        Window.dispatch("on_keyboard", 27, 0, None, [])
