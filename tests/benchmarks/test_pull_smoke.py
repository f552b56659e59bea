"""The pull benchmark runs end to end on a tiny organisation and prints its table (timings are never asserted)."""

from __future__ import annotations

from benchmarks.pull import main


def test_a_tiny_pull_benchmark_prints_one_line_per_size(capsys):
    main(["--visits", "300", "--repeat", "1", "--branches", "5", "--shoppers", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["visits", "db", "build"]
    assert lines[1].split()[:2] == ["300", "sqlite"] and int(lines[1].split()[4]) == 1  # one page
