"""Regenerate the example report PDFs and page PNGs in docs/reports/ from tests.reports.samples (needs pdftoppm for PNGs)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from reports.branch import build_branch_report  # noqa: E402
from reports.region import build_region_report  # noqa: E402
from reports.visit import build_visit_report  # noqa: E402
from tests.reports.samples import sample_branch, sample_region, sample_visit  # noqa: E402

OUT = ROOT / "docs" / "reports"
PAGES = (1, 2, 3)
"""Which pages of each example become PNGs (when the report has them)."""


def main() -> None:
    """Write <name>.pdf (git-ignored) and <name>-page-<n>.png for each example report."""
    OUT.mkdir(parents=True, exist_ok=True)
    pdfs = {
        "visit-report": build_visit_report(sample_visit()),
        "branch-report": build_branch_report(sample_branch()),
        "region-report": build_region_report(sample_region()),
    }
    for name, pdf in pdfs.items():
        path = OUT / f"{name}.pdf"
        path.write_bytes(pdf)
        print(f"wrote {path.relative_to(ROOT)} ({len(pdf) // 1024} KiB)")
        if shutil.which("pdftoppm") is None:
            print("pdftoppm not found (apt-get install poppler-utils): PNGs not made")
            continue
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        for page in (p for p in PAGES if p <= count):
            stem = OUT / f"{name}-page-{page}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(stem)],
                check=True,
            )
            print(f"wrote {stem.relative_to(ROOT)}.png")


if __name__ == "__main__":
    main()
