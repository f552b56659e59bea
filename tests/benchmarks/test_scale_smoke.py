"""The growth benchmark runs end to end on a tiny organisation and prints its table (timings are never asserted)."""

from __future__ import annotations

from benchmarks.scale import main

WHAT = [
    "full pull",
    "dashboard cold",
    "dashboard warm",
    "league cold",
    "league warm",
    "region PDF cold",
    "region PDF warm",
]


def test_a_tiny_growth_benchmark_prints_each_request_cold_and_warm_with_its_statements(capsys):
    main(["--visits", "300", "--repeat", "1", "--branches", "5", "--shoppers", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["visits", "db", "what"] and len(lines) == 1 + len(WHAT)
    for line, what in zip(lines[1:], WHAT):
        assert line.split()[:2] == ["300", "sqlite"] and what in line
    assert "/page, 1 pg" in lines[1]  # one page, with its statement count
    cold, warm = int(lines[2].split()[5]), int(lines[3].split()[5])
    assert warm < cold  # the warm dashboard is served from the roll-up cache
