"""Benchmarks (DESIGN section 8): run with one command, ratios measured side by side in one run, never in the tests."""
