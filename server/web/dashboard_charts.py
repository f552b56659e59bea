"""Web charts: the PDF reports' own drawing functions (reports.charts) rendered to inline SVG.

Each chart is drawn twice, at a desk width and at a phone width, and CSS shows the one that fits, so the
chart's small print stays legible on both (the drawing functions lay text out for the width they are given).
"""
from __future__ import annotations

import re
import uuid

from markupsafe import Markup

from reports.charts import histogram, section_bars, to_svg, trend_line

WIDE = 480.0
"""Trend and section charts at the PDF frame width, so their axis labels fit as in the reports."""
HISTOGRAM = 380.0
"""The histogram, drawn narrower so its small print is larger on screen."""
PHONE = 320.0
"""Every chart's width on a phone screen (about its width in CSS pixels there)."""
ZOOM = 1.6
"""Largest on-screen scale of a chart (points to CSS pixels): big enough to read, never sprawling."""

_ID = re.compile(r'(id="|url\(#|href="#)([A-Za-z][\w-]*)')


def _unique_ids(svg: str) -> str:
    """Give the SVG's ids (renderSVG always writes id="clip") a per-chart suffix: on one HTML page, two charts
    sharing an id would clip each other."""
    suffix = uuid.uuid4().hex[:8]
    return _ID.sub(lambda m: f"{m.group(1)}{m.group(2)}-{suffix}", svg)


def _svg(drawing, label: str, kind: str) -> str:
    svg = _unique_ids(to_svg(drawing, inline=True))
    return svg.replace("<svg ", f'<svg class="chart {kind}" role="img" aria-label="{Markup.escape(label)}" '
                                f'style="max-width: {round(drawing.width * ZOOM)}px" ', 1)


def _pair(draw, width: float, label: str) -> Markup:
    """The chart at `width` for desks and at PHONE width for phones."""
    return Markup(f'<div class="chart-box">{_svg(draw(width), label, "desk")}{_svg(draw(PHONE), label, "phone")}</div>')


def trend_svg(points, label: str = "Score trend") -> Markup:
    """The score trend line, as in the branch and region PDFs."""
    return _pair(lambda width: trend_line(points, width, 160), WIDE, label)


def distribution_svg(scores) -> Markup:
    """The distribution of branch scores, as in the region PDF."""
    return _pair(lambda width: histogram(scores, width, 150, what="branches"), HISTOGRAM,
                 "Distribution of branch scores")


def sections_svg(sections) -> Markup:
    """Section averages of a branch against its region, as in the branch PDF."""
    titles = [s.title for s in sections]
    return _pair(lambda width: section_bars(titles, [s.branch_percent for s in sections], width,
                                            compare=[s.region_percent for s in sections]),
                 WIDE, "Section averages against the region")
