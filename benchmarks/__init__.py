"""Benchmarks (docs/architecture.md, Scale path): run with one command, ratios measured side by side in one run, never in the tests."""
