"""The consumer's side, as docs/webhooks.md tells it: the verification snippet is read from the docs and run as is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def _documented_verify() -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Verifying a delivery", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "docs/webhooks.md lost its verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation's code
    return namespace["verify"]


verify = _documented_verify()
"""verify(secret, headers, body, tolerance=300) exactly as the docs give it."""


class Headers(dict):
    """Header names as sent (the docs index them so); the receiver stores them lower-cased."""

    def __init__(self, received: dict[str, str]):
        super().__init__({name.title(): value for name, value in received.items()})
