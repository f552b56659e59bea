"""The roll-up benchmark runs end to end on a tiny dataset (its timings are never asserted)."""

from __future__ import annotations

from benchmarks.league import run


def test_the_benchmark_runs_on_a_tiny_dataset_and_prints_its_ratios():
    lines = run(branches=4, visits=120, repeat=1, samples=1)
    text = "\n".join(lines)
    assert lines[0].startswith("sqlite: 4 branches, 120 visits")
    for label in (
        "league (90 days)",
        "league vs both periods' SQL",
        "region trend (month, 1 year)",
        "branch trend (week, 1 year)",
        "branch sections (90 days)",
        "visit report",
        "region report",
    ):
        assert label in text
    assert sum(line.endswith("x") for line in lines) == 5  # one service / SQL ratio per contest
