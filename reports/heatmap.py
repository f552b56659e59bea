"""The section heat map (rows: branches, columns: sections, cell colour and value: percent) as a reportlab Drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Group, Rect

from . import fmt
from .chartkit import empty, fit, ink_on, label, shade
from .data import HeatmapRow
from .typography import MUTED, register_fonts

CELL_HEIGHT = 13.0
ANGLE = 55.0
TITLE_LENGTH = 95.0
"""Longest rotated column title, in points."""


def heatmap(section_titles: Sequence[str], rows: Sequence[HeatmapRow], width: float) -> Drawing:
    """One coloured cell per (row, section) with its percent printed when it fits; grey cells mean no data."""
    register_fonts()
    if not section_titles or not rows:
        return empty(width, "No section results to show.")
    n = len(section_titles)
    slant = math.cos(math.radians(ANGLE))
    left = min(150.0, width * 0.3)
    col = min(60.0, (width - left - TITLE_LENGTH * slant) / n)
    header = TITLE_LENGTH * math.sin(math.radians(ANGLE)) + 8
    legend = 18.0
    height = header + CELL_HEIGHT * len(rows) + legend
    drawing = Drawing(width, height)
    top = height - header
    decimals = 1 if col >= 26 else 0
    for j, title in enumerate(section_titles):
        group = Group(label(0, 0, fit(title, TITLE_LENGTH, 7), 7))
        group.translate(left + col * (j + 0.5) - 2, top + 4)
        group.rotate(ANGLE)
        drawing.add(group)
    for i, row in enumerate(rows):
        y = top - CELL_HEIGHT * (i + 1)
        drawing.add(label(left - 5, y + 3.5, fit(row.label, left - 8, 7.5), 7.5, "end"))
        for j in range(n):
            value = fmt.number(row.percents[j]) if j < len(row.percents) else None
            fill = shade(value)
            drawing.add(Rect(left + col * j, y, col - 1, CELL_HEIGHT - 1, fillColor=fill, strokeColor=None))
            if col >= 14:
                text = "—" if value is None else f"{value:.{decimals}f}"
                drawing.add(
                    label(
                        left + col * (j + 0.5) - 0.5,
                        y + 3.5,
                        text,
                        6.5,
                        "middle",
                        colour=MUTED if value is None else ink_on(fill),
                    )
                )
    _legend(drawing, left, 2)
    return drawing


def _legend(drawing: Drawing, x: float, y: float) -> None:
    """Swatches explaining the colours, along the bottom."""
    for text, value in (("0%", 0), ("60%", 60), ("80%", 80), ("100%", 100), ("no data", None)):
        drawing.add(Rect(x, y, 9, 8, fillColor=shade(value), strokeColor=None))
        drawing.add(label(x + 12, y + 1.5, text, 6.5, colour=MUTED))
        x += 52
