"""One compiled URL builder per route and process, shared by every app the suite makes (an app per test).

Werkzeug compiles two URL-building functions for each route of each new Flask app (Python built as an AST and
compiled): about 60 % of `create_app`. A builder is a pure function of its rule's parts (it reads the converters
through the rule it is called on), so apps with the same routes can share it. A default folded into the URL depends
on its converter, so such a rule is compiled as before. tests/test_route_builders.py checks the sharing still works.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule


def share_compiled_route_builders() -> None:
    """Patch Rule._compile_builder in this process to compile each distinct builder once."""
    original = Rule._compile_builder
    if getattr(original, "shared_builders", None) is not None:
        return
    compiled: dict[tuple, object] = {}

    def compile_once(self: Rule, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return original(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    compile_once.shared_builders = compiled
    Rule._compile_builder = compile_once
