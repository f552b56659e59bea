"""`python -m server.cli` is the `fieldaudit` command through the interpreter (it used to exit 0 doing nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_python_dash_m_server_cli_runs_the_fieldaudit_command():
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: fieldaudit" in done.stdout and "run" in done.stdout


def test_python_dash_m_server_cli_fails_loudly_on_an_unknown_command():
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "no-such-command"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "No such command" in done.stderr
