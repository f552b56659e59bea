"""Bundled Unicode fonts, paragraph styles and colours shared by every report, registered once per process."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).with_name("fonts")
SANS = "DejaVuSans"
"""Latin, Greek, Cyrillic, Hebrew, Arabic and many symbols (Bitstream Vera licence)."""
SANS_BOLD = "DejaVuSans-Bold"
CJK = "DroidSansFallback"
"""Chinese, Japanese and Korean glyphs (Apache 2.0); used only for the characters DejaVu lacks."""

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")
ACCENT = colors.HexColor("#1f6feb")
REGION = colors.HexColor("#9aa5b1")
DANGER = colors.HexColor("#b42318")
DANGER_BG = colors.HexColor("#fdecea")
WARN = colors.HexColor("#b54708")
GOOD = colors.HexColor("#067647")


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str, str]:
    """Register the bundled TTFs with reportlab (idempotent) and return (regular, bold, cjk) font names."""
    pdfmetrics.registerFont(TTFont(SANS, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(CJK, str(FONT_DIR / "DroidSansFallback.ttf")))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
    pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
    return SANS, SANS_BOLD, CJK


@lru_cache(maxsize=8)
def glyphs(font_name: str) -> frozenset[int]:
    """The code points a registered bundled font has a glyph for."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def score_colour(percent: float | None) -> colors.Color:
    """Traffic-light colour for a percentage: red below 60, amber below 80, green from 80; grey when not scored."""
    if percent is None or math.isnan(percent):
        return MUTED
    if percent < 60:
        return DANGER
    return WARN if percent < 80 else GOOD


def _style(name: str, size: float, *, bold: bool = False, colour: colors.Color = INK, **extra) -> ParagraphStyle:
    """One paragraph style in the bundled font; leading is 1.25 x size."""
    register_fonts()
    return ParagraphStyle(
        name,
        fontName=SANS_BOLD if bold else SANS,
        fontSize=size,
        leading=size * 1.25,
        textColor=colour,
        alignment=TA_LEFT,
        **extra,
    )


class Styles:
    """The paragraph styles the reports use (body text never smaller than 8 pt)."""

    title = _style("title", 18, bold=True, spaceAfter=2)
    subtitle = _style("subtitle", 11, colour=MUTED, spaceAfter=2)
    h1 = _style("h1", 13, bold=True, spaceBefore=10, spaceAfter=4)
    h2 = _style("h2", 10.5, bold=True, spaceBefore=6, spaceAfter=2)
    body = _style("body", 9)
    small = _style("small", 8, colour=MUTED)
    cell = _style("cell", 8.5)
    cell_bold = _style("cell_bold", 8.5, bold=True)
    head = _style("head", 8, bold=True, colour=MUTED)
    big = _style("big", 30, bold=True)
    danger = _style("danger", 9, colour=DANGER)
    danger_h = _style("danger_h", 10.5, bold=True, colour=DANGER, spaceAfter=3)
    comment = _style("comment", 8.5, colour=INK, leftIndent=10)
