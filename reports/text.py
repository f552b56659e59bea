"""User text to safe reportlab markup: escaped, cleaned, font-switched for CJK, reshaped and reordered for RTL scripts."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from .typography import CJK, SANS, SANS_BOLD, glyphs

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067]")
_ARABIC = re.compile("[\u0600-\u08ff]")
_ESCAPES = {'"': "&quot;", "'": "&#39;"}
_ASCII_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
"""The only characters clean() drops from ASCII text (its control characters but the newline)."""


def clean(text: object) -> str:
    """Any value as printable text: control and unassigned/surrogate characters dropped, tabs to spaces, CRLF to LF."""
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if text.isascii():
        return _ASCII_CONTROLS.sub("", text)
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))


def has_rtl(text: str) -> bool:
    """Whether text holds right-to-left script (Hebrew, Arabic, Syriac...) or an RTL mark."""
    return _RTL.search(text) is not None


def visual(text: str) -> str:
    """One line of logical-order text in display order: Arabic joined into its contextual forms, bidi reordered."""
    text = clean(text).replace("\n", " ")
    if not has_rtl(text):
        return text
    if _ARABIC.search(text):
        text = arabic_reshaper.reshape(text)
    return get_display(text)


def font_for(ch: str, bold: bool = False, current: str | None = None) -> str:
    """The bundled font to draw a character with: DejaVu when it has the glyph, else the CJK font when it does."""
    base = SANS_BOLD if bold else SANS
    if current and (ch.isspace() or unicodedata.combining(ch)):
        return current
    code = ord(ch)
    if code in glyphs(base) or code not in glyphs(CJK):
        return base
    return CJK


def runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Split text into (font name, chunk) runs so every chunk is drawn with a font that has its glyphs."""
    base = SANS_BOLD if bold else SANS
    if frozenset(map(ord, text)) <= glyphs(base):
        return [(base, text)] if text else []
    out: list[tuple[str, str]] = []
    for ch in text:
        font = font_for(ch, bold, out[-1][0] if out else None)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def markup(text: object, bold: bool = False) -> str:
    """Paragraph markup that prints text literally: escaped, newlines as <br/>, CJK runs wrapped in their font."""
    lines = clean(text).split("\n")
    return "<br/>".join(_line_markup(line, bold) for line in lines)


def _line_markup(line: str, bold: bool) -> str:
    """Markup for one line without newlines."""
    base = SANS_BOLD if bold else SANS
    parts = []
    for font, chunk in runs(line, bold):
        chunk = escape(chunk, _ESCAPES)
        parts.append(chunk if font == base else f'<font name="{font}">{chunk}</font>')
    return "".join(parts)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of text drawn in its font runs."""
    return sum(stringWidth(chunk, font, size) for font, chunk in runs(text, bold))


def wrap_lines(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of one logical line to a width in points; words wider than the line are cut by character."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width or not current and not word:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if current and text_width(current + ch, size, bold) > width:
                lines.append(current)
                current = ""
            current += ch
    lines.append(current)
    return lines


class BidiParagraph(Flowable):
    """A paragraph holding right-to-left text: wrapped in logical order at layout width, then each line reordered.

    Reordering a whole paragraph before wrapping would put its last words on the first line; this keeps line order.
    """

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style, self.bold = clean(text), style, style.fontName == SANS_BOLD
        self._para: Paragraph | None = None
        self._for_width: float | None = None

    def _build(self, avail_width: float) -> Paragraph:
        """The inner Paragraph of pre-wrapped visual lines for this width (cached per width)."""
        if self._para is None or self._for_width != avail_width:
            width = max(avail_width - self.style.leftIndent - self.style.rightIndent - 3, 20)
            shaped = arabic_reshaper.reshape(self.text) if _ARABIC.search(self.text) else self.text
            lines = [
                part for line in shaped.split("\n") for part in wrap_lines(line, width, self.style.fontSize, self.bold)
            ]
            rtl = has_rtl(self.text) and _first_strong_is_rtl(self.text)
            style = ParagraphStyle(
                f"{self.style.name}-rtl", parent=self.style, alignment=TA_RIGHT if rtl else self.style.alignment
            )
            body = "<br/>".join(_line_markup(get_display(line) if has_rtl(line) else line, self.bold) for line in lines)
            self._para, self._for_width = Paragraph(body, style), avail_width
        return self._para

    def wrap(self, avail_width, avail_height):
        self.width, self.height = self._build(avail_width).wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        return self._build(avail_width).split(avail_width, avail_height)

    def draw(self):
        assert self._para is not None, "platypus wraps a flowable before drawing it"
        self._para.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter


def _first_strong_is_rtl(text: str) -> bool:
    """Whether the paragraph's base direction is right-to-left (its first strong character is RTL)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def para(text: object, style: ParagraphStyle) -> Flowable:
    """A wrapping flowable that prints user text literally in any script; use it for every piece of user text."""
    text = clean(text)
    if has_rtl(text):
        return BidiParagraph(text, style)
    return Paragraph(markup(text, style.fontName == SANS_BOLD), style)
