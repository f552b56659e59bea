"""Stage the Android source tree for buildozer: main.py plus the shared and mobile packages as plain source.

Run from the repository root: python -m mobile.android_stage  (writes mobile/build/android-src, used by buildozer.spec)
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "mobile" / "build" / "android-src"
PACKAGES = ("shared", "mobile")
KEEP = {".py", ".kv", ".json", ".png", ".mo"}
SKIP_DIRS = {"__pycache__", "build", "bin", ".buildozer"}
MAIN = (
    '"""Android entry point: run the Fieldaudit shopper app (data in App.user_data_dir)."""\n'
    "from mobile.__main__ import main\n\nmain([])\n"
)


def stage(target: Path = TARGET) -> Path:
    """Copy the packages' source files into ``target`` and write its main.py; returns the folder."""
    if target.exists():
        shutil.rmtree(target)
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            relative = path.relative_to(ROOT)
            if path.is_file() and path.suffix in KEEP and not SKIP_DIRS & set(relative.parts):
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / relative)
    (target / "main.py").write_text(MAIN, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"staged {stage()}")
