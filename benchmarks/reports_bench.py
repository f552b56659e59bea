"""PDF build time (docs/architecture.md, Scale path): seconds per visit report and per 500-branch region report, from sample data.

Also the visit report with three camera-size photos (4032 x 3024 JPEGs), old path against new in one
run: before, the report builder downscaled every original each time it built a PDF; now the upload
makes the thumbnail rendition once and the builder embeds its JPEG bytes as they are.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from reports.branch import build_branch_report  # noqa: E402
from reports.images import THUMB_PIXELS, downscale  # noqa: E402
from reports.region import build_region_report  # noqa: E402
from reports.visit import build_visit_report  # noqa: E402
from tests.reports.samples import sample_branch, sample_region, sample_visit  # noqa: E402


def timed(build, data, runs: int) -> tuple[float, bytes]:
    """Median seconds of `runs` builds (after one warm-up that registers fonts and fills caches), and the PDF."""
    seconds, _, pdf = timed_cpu(build, data, runs)
    return seconds, pdf


def timed_cpu(build, data, runs: int) -> tuple[float, float, bytes]:
    """Median wall and CPU seconds of `runs` builds (CPU: what a build costs on a free core), and the PDF."""
    pdf = build(data)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        build(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), pdf


CAMERA = (4032, 3024)


def camera_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG with shapes and sensor-like noise (decodes like a phone's photo, ~3-4 MB)."""
    rnd = random.Random(seed)
    img = Image.new("RGB", CAMERA, (rnd.randrange(90, 200), rnd.randrange(90, 200), rnd.randrange(90, 200)))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rnd.randrange(CAMERA[0]), rnd.randrange(CAMERA[1])
        draw.rectangle(
            [x, y, x + rnd.randrange(100, 1500), y + rnd.randrange(80, 1000)],
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    noise = Image.effect_noise(CAMERA, 24).convert("RGB")
    img = Image.blend(img, noise, 0.15)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


def with_photos(data, images: list[bytes]):
    """The sample visit with its three photo thumbnails replaced by `images`, in order."""
    queue = iter(images)
    questions = [
        dataclasses.replace(q, photos=tuple(dataclasses.replace(p, image=next(queue)) for p in q.photos))
        for q in data.questions
    ]
    return dataclasses.replace(data, questions=questions)


def camera_case(runs: int) -> None:
    """Old path (downscale three originals in every build) vs new path (embed the stored renditions), one run."""
    from server.services.photos.renditions import render_photo

    originals = [camera_photo(seed) for seed in (1, 2, 3)]
    start = time.perf_counter()
    thumbs = [render_photo(io.BytesIO(o), "image/jpeg", 50_000_000).thumb for o in originals]
    once = (time.perf_counter() - start) / len(originals)
    base = sample_visit()

    def old(data) -> bytes:
        """What every visit PDF used to do: decode, turn and shrink each original, then build."""
        return build_visit_report(with_photos(data, [downscale(o, THUMB_PIXELS)[0] for o in originals]))

    def new(data) -> bytes:
        """Build with the stored thumbnail renditions."""
        return build_visit_report(with_photos(data, thumbs))

    def bare(data) -> bytes:
        """The same report with no photo at all: what the photos add is new - bare."""
        return build_visit_report(
            dataclasses.replace(data, questions=[dataclasses.replace(q, photos=()) for q in data.questions])
        )

    old_seconds, old_cpu, old_pdf = timed_cpu(old, base, runs)
    new_seconds, new_cpu, new_pdf = timed_cpu(new, base, runs)
    bare_seconds, bare_cpu, _ = timed_cpu(bare, base, runs)
    size = sum(map(len, originals)) / len(originals) / 1e6
    print(f"visit report, 3 camera photos ({CAMERA[0]}x{CAMERA[1]} JPEG, {size:.1f} MB each), median of {runs}:")
    print(
        f"  old path, downscale originals  {old_seconds:7.3f} s/report (CPU {old_cpu:.3f} s)  "
        f"{len(old_pdf) / 1024:5.0f} KiB"
    )
    print(
        f"  new path, stored renditions   {new_seconds:7.3f} s/report (CPU {new_cpu:.3f} s)  "
        f"{len(new_pdf) / 1024:5.0f} KiB   ratio new/old {new_seconds / old_seconds:.2f}   (goal <= 0.100 s)"
    )
    print(
        f"  same report without photos    {bare_seconds:7.3f} s/report (CPU {bare_cpu:.3f} s)   (photos now add "
        f"{max(0.0, new_seconds - bare_seconds):.3f} s)"
    )
    print(f"  once per photo at upload: decode + page and thumb renditions {once:.3f} s")


def main() -> None:
    """Print one line per report kind: seconds per report, pages, size; then the camera-photo comparison."""
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    camera_case(10)
    cases = [
        ("visit report (13 answers, 3 photos)", build_visit_report, sample_visit(), 20),
        ("branch report (9 visits)", build_branch_report, sample_branch(), 10),
        ("region report (500 branches)", build_region_report, sample_region(500), 3),
    ]
    for name, build, data, runs in cases:
        seconds, pdf = timed(build, data, runs)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:38s} {seconds:7.3f} s/report  {pages:3d} pages  {len(pdf) / 1024:7.0f} KiB  (median of {runs})")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
