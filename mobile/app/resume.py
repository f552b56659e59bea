"""A small settings file: signed-in account, last server, and the open visit + section to come back to after a kill."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILE_NAME = "ui-state.json"


class ResumeState:
    """Key/value settings written atomically (temp file + fsync + rename) on every change."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / FILE_NAME
        try:
            self.data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, **values: Any) -> None:
        """Change some keys and write the file at once (None removes a key)."""
        for key, value in values.items():
            if value is None:
                self.data.pop(key, None)
            else:
                self.data[key] = value
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
