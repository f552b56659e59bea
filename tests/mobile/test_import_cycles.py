"""No import cycles inside mobile/: every module's imports (TYPE_CHECKING ones too) form a graph without loops,
so each layer (app -> sync -> store, pyproject's import-linter contract) and each module can be read on its own."""

from __future__ import annotations

import grimp

from tests.import_graph import cycles, package_graph


def test_mobile_has_no_import_cycles():
    assert cycles(package_graph("mobile"), "mobile") == []


def test_the_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph, "pkg")[0] == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
