"""Phone app timings with 500 visits in the local store: start-up to the assignment list, and saving one answer.

Run: .venv/bin/python -m benchmarks.mobile_bench [--visits 500] [--runs 3]   (headless Kivy; prints the figures)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KIVY_NO_ARGS", "1")


def build_store(folder: Path, visits: int, assignments: int) -> str:
    """A signed-in account with pulled data, ``assignments`` open assignments and ``visits`` visits."""
    from mobile.store import LocalStore
    from tests.mobile.factories import (
        ANSWERS,
        add_account,
        assignment_change,
        branch_change,
        fill,
        version_change,
        write_png,
    )

    store = LocalStore(folder / "phone")
    shop = add_account(store, user_id=1, server="http://127.0.0.1:9")
    ids = [str(uuid.uuid4()) for _ in range(assignments)]
    shop.pulled.apply_changes([version_change(), branch_change()] + [assignment_change(a) for a in ids], "c1")
    photo = write_png(folder / "camera", "shot.png")
    for n in range(visits):
        visit = shop.drafts.start_visit(branch_id=12, template_version_id=7)
        fill(shop, visit.id, ANSWERS)
        shop.drafts.add_photo(visit.id, "storefront", photo)
        if n % 10:
            assert shop.drafts.finish_visit(visit.id).ok
    store.close()
    return ids[0]


def run_once(folder: Path, steps: list) -> dict:
    script, out = folder / "steps.json", folder / "out.json"
    script.write_text(json.dumps(steps))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_NO_CONSOLELOG": "1",
        "KIVY_NO_FILELOG": "1",
    }
    spawned = time.time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.mobile.ui.driver",
            "--data-dir",
            str(folder / "phone"),
            "--script",
            str(script),
            "--out",
            str(out),
            "--photo",
            str(folder / "camera" / "shot.png"),
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    results = json.loads(out.read_text())
    if results.get("error"):
        raise SystemExit(results["error"])
    results["spawned"] = spawned
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--assignments", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fieldaudit-mobile-bench-"))
    started = time.perf_counter()
    build_store(folder, args.visits, args.assignments)
    print(
        f"store: {args.visits} visits, {args.assignments} assignments (built in {time.perf_counter() - started:.1f} s)"
    )
    startup, in_app, saves = [], [], []
    for _ in range(args.runs):
        results = run_once(
            folder,
            [
                ["wait_screen", {"name": "assignments"}],
                ["record", {"name": "list"}],
                ["open_assignment", {"index": 0}],
                ["timed_answer", {"key": "greeted", "value": "yes", "name": "save1"}],
                ["timed_answer", {"key": "greeted", "value": "no", "name": "save2"}],
                ["timed_answer", {"key": "clean", "value": 4, "name": "save3"}],
                ["go", {"name": "assignments"}],
            ],
        )
        startup.append(results["records"]["list"]["wall"] - results["spawned"])
        in_app.append(results["startup_s"])
        saves += [results["records"][k] for k in ("save1", "save2", "save3")]
    print(
        f"start-up to the assignment list (process spawn -> list shown), median of {args.runs}: "
        f"{statistics.median(startup):.2f} s"
    )
    print(f"  of which App construction -> first frame scheduled: {statistics.median(in_app):.3f} s")
    print(
        f"save one answer through the widget (tap -> committed + progress/visibility refresh), median of "
        f"{len(saves)}: {1000 * statistics.median(saves):.1f} ms (max {1000 * max(saves):.1f} ms)"
    )


if __name__ == "__main__":
    main()
