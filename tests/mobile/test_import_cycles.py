"""No import cycles inside mobile/: every module's imports (TYPE_CHECKING ones too) form a graph without loops,
so each layer (app -> sync -> store, pyproject's import-linter contract) and each module can be read on its own."""

from __future__ import annotations

import grimp


def cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Each import a -> b inside the package for which b leads back to a, with the way back."""
    found = []
    for module in sorted(m for m in graph.modules if m == package or m.startswith(package + ".")):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.startswith(package + ".") and imported != module:
                back = graph.find_shortest_chain(importer=imported, imported=module)
                if back:
                    found.append([module, *back])
    return found


def test_mobile_has_no_import_cycles():
    graph = grimp.build_graph("mobile", exclude_type_checking_imports=False, cache_dir=None)
    assert cycles(graph, "mobile") == []


def test_the_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph, "pkg")[0] == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
