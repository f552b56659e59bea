"""Small drawing helpers the charts share: labels that fit, percentage grids, colour scale, empty-chart placeholders."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from .text import clean, text_width, visual
from .typography import INK, MUTED, RULE, SANS, SANS_BOLD

MARGIN_LEFT_MAX = 170.0
"""Widest label column a chart gives to row labels, in points."""


def label(x: float, y: float, text: str, size: float, anchor: str = "start", colour=INK, bold: bool = False) -> String:
    """A one-line String of user or fixed text in logical order (``charts.for_pdf`` makes it PDF-ready)."""
    return String(
        x,
        y,
        clean(text).replace("\n", " "),
        fontName=SANS_BOLD if bold else SANS,
        fontSize=size,
        fillColor=colour,
        textAnchor=anchor,
    )


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """text cut with an ellipsis so it is at most width points wide when drawn."""
    text = clean(text).replace("\n", " ").strip()
    if text_width(visual(text), size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(visual(text[:mid] + "…"), size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def axis_grid(drawing: Drawing, left: float, right: float, bottom: float, top: float, vertical: bool) -> None:
    """Gridlines at 0, 25, 50, 75 and 100 % with their labels: vertical lines labelled below, or horizontal labelled left."""
    for tick in (0, 25, 50, 75, 100):
        if vertical:
            x = left + (right - left) * tick / 100
            drawing.add(Line(x, bottom, x, top, strokeColor=RULE, strokeWidth=0.4))
            drawing.add(label(x, bottom - 10, f"{tick}%", 6.5, "middle", colour=MUTED))
        else:
            y = bottom + (top - bottom) * tick / 100
            drawing.add(Line(left, y, right, y, strokeColor=RULE, strokeWidth=0.4))
            drawing.add(label(left - 4, y - 2.5, f"{tick}%", 6.5, "end", colour=MUTED))


_STOPS = (
    (0.0, colors.HexColor("#d92d20")),
    (60.0, colors.HexColor("#f79009")),
    (80.0, colors.HexColor("#fdb022")),
    (100.0, colors.HexColor("#12b76a")),
)


def shade(percent: float | None) -> colors.Color:
    """Heat-map colour for a percentage: red at 0, amber around 60-80, green at 100; light grey for no data."""
    if percent is None:
        return colors.HexColor("#e4e7eb")
    value = max(0.0, min(float(percent), 100.0))
    for (p0, c0), (p1, c1) in zip(_STOPS, _STOPS[1:]):
        if value <= p1:
            t = (value - p0) / (p1 - p0)
            return colors.Color(
                c0.red + (c1.red - c0.red) * t, c0.green + (c1.green - c0.green) * t, c0.blue + (c1.blue - c0.blue) * t
            )
    return _STOPS[-1][1]


def ink_on(fill: colors.Color) -> colors.Color:
    """Black or white, whichever reads better on a fill colour."""
    luminance = 0.299 * fill.red + 0.587 * fill.green + 0.114 * fill.blue
    return INK if luminance > 0.55 else colors.white


def placeholder_height() -> float:
    """Height of the drawing that stands in for a chart with no data."""
    return 28.0


def empty(width: float, message: str, height: float | None = None) -> Drawing:
    """A small drawing that says there is nothing to chart (so empty reports still read sensibly)."""
    drawing = Drawing(width, height or placeholder_height())
    drawing.add(label(0, drawing.height / 2 - 3, message, 8.5, colour=MUTED))
    return drawing
