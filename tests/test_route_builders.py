"""The suite's shared route builders (tests/route_builders.py): every app gets the same compiled builder per
route, and URLs come out as werkzeug builds them without the sharing."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from server import create_app
from tests.conftest import _base_config


def test_two_apps_share_each_compiled_route_builder(tmp_path):
    first, second = (create_app(_base_config(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)) for _ in range(2))
    pairs = list(zip(first.url_map.iter_rules(), second.url_map.iter_rules(), strict=True))
    assert all(a.rule == b.rule and a.endpoint == b.endpoint for a, b in pairs) and len(pairs) > 50
    assert all(a._build.__func__ is b._build.__func__ for a, b in pairs)
    assert all(a._build_unknown.__func__ is b._build_unknown.__func__ for a, b in pairs)


def test_shared_builders_build_the_same_urls_as_fresh_ones():
    shared = Map(
        [
            Rule("/visits/<uuid:visit_id>/photos/<int:n>", endpoint="photo"),
            Rule("/pages/", defaults={"page": 1}, endpoint="pages"),
            Rule("/pages/<int:page>", endpoint="pages"),
            Rule("/files/<path:name>", endpoint="file"),
        ]
    ).bind("audit.example.test")
    again = Map(
        [
            Rule("/visits/<uuid:visit_id>/photos/<int:n>", endpoint="photo"),
            Rule("/pages/", defaults={"page": 1}, endpoint="pages"),
            Rule("/pages/<int:page>", endpoint="pages"),
            Rule("/files/<path:name>", endpoint="file"),
        ]
    ).bind("other.example.test")
    cases = [
        ("photo", {"visit_id": "3f0c5d2e-8a4b-4c1d-9e7f-1a2b3c4d5e6f", "n": 2, "q": "a b"}),
        ("pages", {}),
        ("pages", {"page": 1}),
        ("pages", {"page": 3}),
        ("file", {"name": "a/b c.txt"}),
    ]
    expected = [
        "/visits/3f0c5d2e-8a4b-4c1d-9e7f-1a2b3c4d5e6f/photos/2?q=a+b",
        "/pages/",
        "/pages/",
        "/pages/3",
        "/files/a/b%20c.txt",
    ]
    assert [shared.build(endpoint, values) for endpoint, values in cases] == expected
    assert [again.build(endpoint, values) for endpoint, values in cases] == expected
