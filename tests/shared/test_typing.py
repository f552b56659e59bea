"""shared/ type-checks under mypy --strict (pyproject's [tool.mypy] overrides), so its annotations stay true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_shared_passes_mypy_strict(tmp_path):
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run(
        [str(mypy), "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path), "shared"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
