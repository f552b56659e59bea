"""The import-cycle finder the cycle tests of mobile/ and server/ share (grimp graphs, TYPE_CHECKING imports too)."""

from __future__ import annotations

import grimp


def package_graph(package: str, *, type_checking: bool = True) -> grimp.ImportGraph:
    """The package's import graph, counting imports inside functions and (unless told not to) under TYPE_CHECKING."""
    return grimp.build_graph(package, exclude_type_checking_imports=not type_checking, cache_dir=None)


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
