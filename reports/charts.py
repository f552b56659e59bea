"""Report charts as reportlab Drawings of plain shapes: one function per chart feeds both the PDF and the web's SVG.

Drawings hold text in logical order; ``for_pdf`` fits it for the PDF canvas (bidi, Arabic shaping, CJK font runs)
and ``to_svg`` renders the untouched drawing, leaving bidi and shaping to the browser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import fmt
from .chartkit import MARGIN_LEFT_MAX, axis_grid, empty, fit, label, placeholder_height, shade
from .data import TrendPoint
from .heatmap import heatmap
from .text import runs, visual
from .typography import ACCENT, INK, MUTED, REGION, RULE, SANS, SANS_BOLD, register_fonts

__all__ = ["section_bars", "trend_line", "histogram", "heatmap", "for_pdf", "to_svg"]

ROW = 15.0


def section_bars(
    titles: Sequence[str],
    percents: Sequence[float | None],
    width: float,
    compare: Sequence[float | None] | None = None,
    legend: tuple[str, str] = ("Branch", "Region"),
) -> Drawing:
    """Horizontal bars, one per section, 0..100 %, value printed at each bar's end; optional grey comparison bars."""
    register_fonts()
    if not titles:
        return empty(width, "No sections to chart.")
    pair = compare is not None
    row = ROW * (1.6 if pair else 1)
    top, bottom = (22 if pair else 8), 16
    height = top + bottom + row * len(titles)
    drawing = Drawing(width, height)
    left = min(MARGIN_LEFT_MAX, width * 0.34)
    right = width - 42
    axis_grid(drawing, left, right, bottom, height - top, vertical=True)
    for i, (title, value) in enumerate(zip(titles, percents)):
        y = height - top - (i + 1) * row
        drawing.add(label(left - 6, y + row / 2 - 3, fit(title, left - 10, 8), 8, "end"))
        bar_h = row * (0.42 if pair else 0.62)
        y_bar = y + row - bar_h - (row * 0.12 if pair else row * 0.19)
        _bar(drawing, left, right, y_bar, bar_h, value, ACCENT)
        if compare is not None:
            _bar(
                drawing,
                left,
                right,
                y_bar - bar_h - 1,
                bar_h * 0.8,
                compare[i] if i < len(compare) else None,
                REGION,
                size=6.5,
            )
    if pair:
        drawing.add(Rect(left, height - 12, 8, 7, fillColor=ACCENT, strokeColor=None))
        drawing.add(label(left + 11, height - 11, legend[0], 7.5))
        drawing.add(Rect(left + 90, height - 12, 8, 7, fillColor=REGION, strokeColor=None))
        drawing.add(label(left + 101, height - 11, legend[1], 7.5))
    return drawing


def _bar(
    drawing: Drawing, left: float, right: float, y: float, h: float, value: float | None, colour, size: float = 7.5
) -> None:
    """One horizontal bar with its value (or "no data") printed after it."""
    value = fmt.number(value)
    if value is None:
        drawing.add(label(left + 3, y + h / 2 - size / 3, "no data", size, colour=MUTED))
        return
    length = (right - left) * max(0.0, min(value, 100.0)) / 100
    drawing.add(Rect(left, y, length, h, fillColor=colour, strokeColor=None))
    drawing.add(label(left + length + 3, y + h / 2 - size / 3, fmt.pct(value), size, colour=INK))


def trend_line(points: Sequence[TrendPoint], width: float, height: float = 150) -> Drawing:
    """Score by period, 0..100 %: a line through the scored periods (gaps where none), each point labelled."""
    register_fonts()
    if not any(fmt.number(p.score) is not None for p in points):
        return empty(width, "No scored visits in this period.", placeholder_height())
    drawing = Drawing(width, height)
    left, right, bottom, top = 30, width - 12, 30, height - 10
    axis_grid(drawing, left, right, bottom, top, vertical=False)
    step = (right - left) / max(len(points), 1)
    every = max(1, round(len(points) / 12))
    segment: list[float] = []
    for i, point in enumerate(points):
        x = left + step * (i + 0.5)
        if i % every == 0:
            drawing.add(label(x, bottom - 11, fit(point.label, step * every - 2, 7), 7, "middle", colour=MUTED))
        score = fmt.number(point.score)
        if score is None:
            _flush(drawing, segment)
            segment = []
            continue
        y = bottom + (top - bottom) * max(0.0, min(score, 100.0)) / 100
        segment += [x, y]
        drawing.add(Circle(x, y, 2.4, fillColor=ACCENT, strokeColor=None))
        if len(points) <= 16:
            drawing.add(label(x, y + 5, fmt.pct(score), 6.5, "middle"))
    _flush(drawing, segment)
    return drawing


def _flush(drawing: Drawing, segment: list[float]) -> None:
    """Draw the line through a run of consecutive scored points (put behind their dots)."""
    if len(segment) >= 4:
        drawing.insert(0, PolyLine(segment, strokeColor=ACCENT, strokeWidth=1.5))


def histogram(values: Sequence[float], width: float, height: float = 140, what: str = "branches") -> Drawing:
    """How many values fall in each 10-point band from 0 to 100 (100 counts in the top band), counts printed on bars."""
    register_fonts()
    counts = [0] * 10
    for value in map(fmt.number, values):
        if value is not None:
            counts[min(9, max(0, int(value // 10)))] += 1
    if not any(counts):
        return empty(width, "No scores to show.", placeholder_height())
    drawing = Drawing(width, height)
    left, right, bottom, top = 30, width - 10, 26, height - 14
    step = -(-max(counts) // 4)
    tallest = step * 4
    for j in range(5):
        y = bottom + (top - bottom) * j / 4
        drawing.add(Line(left, y, right, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(label(left - 4, y - 2.5, str(step * j), 6.5, "end", colour=MUTED))
    band = (right - left) / 10
    for i, count in enumerate(counts):
        x = left + band * i
        h = (top - bottom) * count / tallest
        drawing.add(Rect(x + 1.5, bottom, band - 3, h, fillColor=shade(i * 10 + 5), strokeColor=None))
        drawing.add(label(x + band / 2, bottom + h + 3, str(count), 7, "middle"))
        drawing.add(label(x, bottom - 10, str(i * 10), 6.5, "middle", colour=MUTED))
    drawing.add(label(right, bottom - 10, "100", 6.5, "middle", colour=MUTED))
    drawing.add(label(left, height - 8, f"Number of {what} by score band (%)", 7, colour=MUTED))
    return drawing


def for_pdf(drawing: Drawing) -> Drawing:
    """Fit a drawing's text for the PDF canvas, in place: bidi order, Arabic shaping, each run in a font with its glyphs."""
    register_fonts()
    _fix_group(drawing)
    return drawing


def _fix_group(group: Group) -> None:
    """Replace every String under group by text in visual order, split into per-font runs where needed."""
    for index, node in enumerate(list(group.contents)):
        if isinstance(node, Group):
            _fix_group(node)
        elif isinstance(node, String):
            group.contents[index] = _fix_string(node)


def _fix_string(node: String):
    """One String as drawn in the PDF: itself when one font suffices, else a Group of left-anchored runs."""
    bold = node.fontName == SANS_BOLD
    text = visual(node.text)
    pieces = runs(text, bold)
    if len(pieces) <= 1:
        node.text, node.fontName = text, pieces[0][0] if pieces else node.fontName
        return node
    widths = [stringWidth(chunk, font, node.fontSize) for font, chunk in pieces]
    shift = {"start": 0.0, "middle": sum(widths) / 2, "end": sum(widths)}.get(node.textAnchor, 0.0)
    x, out = node.x - shift, Group()
    for (font, chunk), w in zip(pieces, widths):
        out.add(String(x, node.y, chunk, fontName=font, fontSize=node.fontSize, fillColor=node.fillColor))
        x += w
    return out


_FAMILY = re.compile(r"font-family: (DejaVuSans-Bold|DejaVuSans|DroidSansFallback);")
_CSS = {
    SANS: "font-family: 'DejaVu Sans', Verdana, sans-serif;",
    SANS_BOLD: "font-family: 'DejaVu Sans', Verdana, sans-serif; font-weight: bold;",
    "DroidSansFallback": "font-family: sans-serif;",
}


def to_svg(drawing: Drawing, inline: bool = False) -> str:
    """The drawing as SVG text (a standalone document, or with inline=True just the <svg> element for HTML)."""
    svg = renderSVG.drawToString(drawing)
    svg = _FAMILY.sub(lambda m: _CSS[m.group(1)], svg)
    return svg[svg.index("<svg") :] if inline else svg
