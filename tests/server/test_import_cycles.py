"""No import cycles inside server/: imports inside functions count too (the app factory's, the CLI's), so the
factory registers the edges, the edges call services, services use the models, and nothing leads back."""

from __future__ import annotations

from tests.import_graph import cycles, package_graph


def test_server_has_no_import_cycles():
    assert cycles(package_graph("server"), "server") == []
