"""PDF build time (DESIGN section 8): seconds per visit report and per 500-branch region report, from sample data."""
from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from reports.branch import build_branch_report  # noqa: E402
from reports.region import build_region_report  # noqa: E402
from reports.samples import sample_branch, sample_region, sample_visit  # noqa: E402
from reports.visit import build_visit_report  # noqa: E402


def timed(build, data, runs: int) -> tuple[float, bytes]:
    """Median seconds of `runs` builds (after one warm-up that registers fonts and fills caches), and the PDF."""
    pdf = build(data)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), pdf


def main() -> None:
    """Print one line per report kind: seconds per report, pages, size."""
    cases = [("visit report (13 answers, 3 photos)", build_visit_report, sample_visit(), 20),
             ("branch report (9 visits)", build_branch_report, sample_branch(), 10),
             ("region report (500 branches)", build_region_report, sample_region(500), 3)]
    for name, build, data, runs in cases:
        seconds, pdf = timed(build, data, runs)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:38s} {seconds:7.3f} s/report  {pages:3d} pages  {len(pdf) / 1024:7.0f} KiB  (median of {runs})")


if __name__ == "__main__":
    main()
