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


_STYLE = re.compile(r' style="([^"]*)"')
_SIZE = re.compile(r'width="[^"]*" height="[^"]*"')
PRESENTATION = {
    "clip-path",
    "fill",
    "fill-opacity",
    "fill-rule",
    "font-family",
    "font-size",
    "font-weight",
    "stroke",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
}
"""The CSS properties renderSVG writes that SVG also takes as attributes."""


def _as_attributes(match: re.Match) -> str:
    """One style="a: b; c: d" as a="b" c="d": the page's CSP allows no inline styles, and SVG's presentation
    attributes are not styles. A property without an attribute form stays a style (and the CSP tests say so)."""
    pairs = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    attributes = [(name.strip(), value.strip()) for name, value in pairs]
    kept = "; ".join(f"{name}: {value}" for name, value in attributes if name not in PRESENTATION)
    out = "".join(f' {name}="{value}"' for name, value in attributes if name in PRESENTATION)
    return out + (f' style="{kept}"' if kept else "")


def _svg(drawing, label: str, kind: str) -> str:
    """The drawing as an inline <svg> without style attributes, at most ZOOM times its size in points."""
    svg = _STYLE.sub(_as_attributes, _unique_ids(to_svg(drawing, inline=True)))
    svg = _SIZE.sub(f'width="{round(drawing.width * ZOOM)}" height="{round(drawing.height * ZOOM)}"', svg, count=1)
    return svg.replace("<svg ", f'<svg class="chart {kind}" role="img" aria-label="{Markup.escape(label)}" ', 1)


def _pair(draw, width: float, label: str) -> Markup:
    """The chart at `width` for desks and at PHONE width for phones."""
    return Markup(f'<div class="chart-box">{_svg(draw(width), label, "desk")}{_svg(draw(PHONE), label, "phone")}</div>')


def trend_svg(points, label: str = "Score trend") -> Markup:
    """The score trend line, as in the branch and region PDFs."""
    return _pair(lambda width: trend_line(points, width, 160), WIDE, label)


def distribution_svg(scores) -> Markup:
    """The distribution of branch scores, as in the region PDF."""
    return _pair(
        lambda width: histogram(scores, width, 150, what="branches"), HISTOGRAM, "Distribution of branch scores"
    )


def sections_svg(sections) -> Markup:
    """Section averages of a branch against its region, as in the branch PDF."""
    titles = [s.title for s in sections]
    return _pair(
        lambda width: section_bars(
            titles, [s.branch_percent for s in sections], width, compare=[s.region_percent for s in sections]
        ),
        WIDE,
        "Section averages against the region",
    )
