"""No import cycles inside server/: imports inside functions count too (the app factory's, the CLI's), so the
factory registers the edges, the edges call services, services use the models, and nothing leads back."""

from __future__ import annotations

from tests.import_graph import cycles, package_graph


def _between_models_only(cycle: list[str]) -> bool:
    """Models name each other's classes in relationship annotations, imported under TYPE_CHECKING for type
    checkers only (SQLAlchemy resolves the names at run time): a loop among models alone is that, nothing else."""
    return all(module.startswith("server.models.") for module in cycle)


def test_server_has_no_import_cycles():
    assert [c for c in cycles(package_graph("server"), "server") if not _between_models_only(c)] == []


def test_the_only_loops_among_models_are_type_checking_imports():
    runtime = package_graph("server", type_checking=False)
    assert [c for c in cycles(runtime, "server") if _between_models_only(c)] == []
