"""Test plumbing: run the driver in a subprocess, and a live server that can be stopped and started on its port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from tests.mobile.factories import child_env
from tests.mobile.live import LiveServer

DEMO = Path(__file__).resolve().parents[3] / "server" / "demo" / "customer_service_checklist.json"


@dataclass
class Run:
    """One app process: its exit code and what the driver recorded."""

    returncode: int
    results: dict[str, Any]
    stderr: str

    @property
    def records(self) -> dict[str, Any]:
        return self.results.get("records", {})


def run_app(
    folder: Path,
    steps: list,
    *,
    photo: Path | None = None,
    name: str = "run",
    size: str = "405x720",
    timeout: float = 90,
    env: dict[str, str] | None = None,
    server: str = "",
    gps: str = "",
    scan: str | None = None,
    launch_link: str | None = None,
) -> Run:
    """Run the app with a scripted list of actions; SIGKILL shows as returncode -9."""
    folder.mkdir(parents=True, exist_ok=True)
    script, out = folder / f"{name}-steps.json", folder / f"{name}-out.json"
    script.write_text(json.dumps(steps))
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "tests.mobile.ui.driver",
        "--data-dir",
        str(folder / "phone"),
        "--script",
        str(script),
        "--out",
        str(out),
        "--size",
        size,
        "--server",
        server,
    ]
    if photo is not None:
        command += ["--photo", str(photo)]
    if gps:
        command += ["--gps", gps]
    if scan is not None:
        command += ["--scan", scan]
    if launch_link is not None:
        command += ["--launch-link", launch_link]
    process_env = {**child_env(), "KIVY_NO_CONSOLELOG": "1", "SDL_VIDEODRIVER": "offscreen", **(env or {})}
    done = subprocess.run(
        command,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[3],
    )
    results = json.loads(out.read_text()) if out.exists() else {}
    return Run(done.returncode, results, done.stderr[-4000:])


class SwitchableServer:
    """The live server that the test can take offline and bring back on the same address (the phone keeps its URL)."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.port = int(live.url.rsplit(":", 1)[1])
        self.up = True

    def stop(self) -> None:
        if self.up:
            self.live._server.shutdown()
            self.live._server.server_close()
            self.live._thread.join(10)
            self.up = False

    def start(self) -> None:
        if not self.up:
            self.live._server = make_server("127.0.0.1", self.port, self.live.app, threaded=True)
            self.live._thread = threading.Thread(target=self.live._server.serve_forever, daemon=True)
            self.live._thread.start()
            self.up = True


def os_env_for_density(density: float) -> dict[str, str]:
    return {
        "KIVY_METRICS_DENSITY": str(density),
        **({"KIVY_HOME": os.environ["KIVY_HOME"]} if "KIVY_HOME" in os.environ else {}),
    }
