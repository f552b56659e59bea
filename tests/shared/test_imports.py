"""shared/ stays pure: only the standard library, marshmallow and itself (docs/architecture.md, Packages and layers)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
ALLOWED = {"marshmallow", "shared"}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports (relative imports count as shared)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add("shared" if node.level else (node.module or "").split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(SHARED.glob("*.py")), ids=lambda p: p.name)
def test_shared_modules_import_only_stdlib_marshmallow_and_shared(path):
    foreign = {r for r in imported_roots(path) if r not in ALLOWED and r not in sys.stdlib_module_names}
    assert not foreign, f"{path.name} imports {sorted(foreign)}"
