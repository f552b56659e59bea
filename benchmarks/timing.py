"""Side-by-side timing: contenders run interleaved, many times, in one process, and compared by their medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def clock(run: Callable[[], object]) -> float:
    """Seconds one call takes (perf_counter)."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def compare(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per contender, after one warm-up call each; rounds alternate so drift hits all alike."""
    for run in contenders.values():
        run()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, run in contenders.items():
            samples[name].append(clock(run))
    return {name: statistics.median(values) for name, values in samples.items()}


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table."""
    return f"{seconds * 1000:9.2f} ms"
