"""Where the app keeps its store: a per-user folder on desktop, App.user_data_dir on Android."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    """The desktop default: $XDG_DATA_HOME/fieldaudit (~/.local/share/fieldaudit)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fieldaudit"
