"""Page furniture every report shares: A4 document, "Page n of m" footer, cover header, score box, critical-failure box."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm, mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import fmt
from .data import CriticalFailure, QuestionRate, ReportHeader
from .images import logo
from .text import clean, para, runs, visual
from .typography import DANGER, DANGER_BG, MUTED, RULE, SANS, SANS_BOLD, SHADE, Styles, register_fonts, score_colour

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12
"""Usable width: the page less its margins and the frame's 6 pt padding on each side."""


def draw_text(canv, x: float, y: float, text: str, size: float, align: str = "left") -> None:
    """Draw one line of user text on a canvas in its font runs (RTL reordered), left- or right-aligned at x."""
    line = visual(text)
    pieces = runs(line)
    width = sum(canv.stringWidth(chunk, font, size) for font, chunk in pieces)
    x = x - width if align == "right" else x
    for font, chunk in pieces:
        canv.setFont(font, size)
        canv.drawString(x, y, chunk)
        x += canv.stringWidth(chunk, font, size)


def _numbered_canvas(footer_left: str):
    """A canvas class that holds pages back until the end so each footer can say "Page n of m"."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFillColor(MUTED)
                self.setStrokeColor(RULE)
                self.line(MARGIN, 12 * mm, PAGE_WIDTH - MARGIN, 12 * mm)
                draw_text(self, MARGIN, 8 * mm, footer_left, 7.5)
                draw_text(self, PAGE_WIDTH - MARGIN, 8 * mm, f"Page {number} of {total}", 7.5, align="right")
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: Sequence[Flowable], header: ReportHeader, kind: str) -> bytes:
    """Lay the story out on A4 pages with the shared footer and return the PDF bytes."""
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=clean(header.title) or kind,
        author="Fieldaudit",
        subject=kind,
        creator="Fieldaudit reports",
    )
    footer = f"{kind} · generated {fmt.moment(header.generated_at)}"
    doc.build(list(story) or [Spacer(1, 1)], canvasmaker=_numbered_canvas(footer))
    return out.getvalue()


def cover(header: ReportHeader) -> list[Flowable]:
    """Title, subtitle, organisation, generation time and filters, with the logo (if any) top right."""
    left: list[Flowable] = [para(header.title, Styles.title)]
    if clean(header.subtitle).strip():
        left.append(para(header.subtitle, Styles.subtitle))
    if clean(header.organisation).strip():
        left.append(para(header.organisation, Styles.small))
    left.append(Paragraph(f"Generated {fmt.moment(header.generated_at)}", Styles.small))
    if header.filters:
        rows = [[para(key, Styles.head), para(value, Styles.small)] for key, value in header.filters.items()]
        filters = Table(rows, colWidths=[3.2 * cm, None], hAlign="LEFT")
        filters.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        left.append(Spacer(1, 3))
        left.append(filters)
    mark = logo(header.logo_png, 4 * cm, 1.6 * cm)
    block = Table([[left, mark or ""]], colWidths=[FRAME_WIDTH - 4.3 * cm, 4.3 * cm])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [block, Spacer(1, 8)]


def score_box(score: float | None, caption: str, notes: Sequence[str], facts: Sequence[tuple[str, str]]) -> Table:
    """The summary band: the big score (or "Not scored") with a caption and notes, beside a table of key facts."""
    big = Paragraph(
        fmt.pct(score, "Not scored"),
        Styles.big.clone("bigc", textColor=score_colour(score), fontSize=30 if score is not None else 20),
    )
    left: list[Flowable] = [big, Spacer(1, 4), para(caption, Styles.small)]
    left += [para(note, Styles.danger) for note in notes]
    rows = [[Paragraph(label, Styles.head), para(value, Styles.cell)] for label, value in facts]
    table = Table(rows or [[""]], colWidths=[3.2 * cm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    band = Table([[left, table]], colWidths=[5.6 * cm, FRAME_WIDTH - 5.6 * cm])
    band.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, 0), SHADE),
                ("LEFTPADDING", (0, 0), (0, 0), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (1, 0), (1, 0), 12),
            ]
        )
    )
    return band


BOX_START = 3 * cm
"""Room a critical-failure box needs for its title and first failure; with less left it starts on the next page."""


def critical_box(failures: Sequence[CriticalFailure], title: str) -> list[Flowable]:
    """A red box listing critical failures (question, section, date, comment cut to 600 characters); [] when none."""
    if not failures:
        return []
    cells: list[Flowable] = [para(title, Styles.danger_h)]
    for failure in failures:
        where = clean(failure.section_title)
        if failure.visit_date is not None:
            where = f"{fmt.day(failure.visit_date)} · {where}"
        if failure.branch:
            where = f"{clean(failure.branch)} · {where}"
        cells.append(para(f"✗ {clean(failure.question_text)}", Styles.cell_bold))
        cells.append(para(where, Styles.small.clone("fs", leftIndent=10)))
        comment = clean(failure.comment).strip()
        if comment:
            cells.append(para(comment if len(comment) <= 600 else comment[:600] + "…", Styles.comment))
    box = Table([[cell] for cell in cells], colWidths=[FRAME_WIDTH], splitInRow=1)
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, DANGER),
                ("BACKGROUND", (0, 0), (-1, -1), DANGER_BG),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return [CondPageBreak(BOX_START), Spacer(1, 8), box]


def weakest_questions(questions: Sequence[QuestionRate]) -> list[Flowable]:
    """The questions that passed least often, as a table (branch and region reports)."""
    head = Paragraph("Weakest questions", Styles.h1)
    if not questions:
        return [head, note("No scored questions in this period.")]
    rows = [["Question", "Section", "Pass rate", "Answered"]]
    for q in questions:
        text = clean(q.text) + ("  [critical]" if q.critical else "")
        rows.append(
            [para(text, Styles.cell), para(q.section_title, Styles.cell), fmt.pct(q.pass_rate), str(q.answered)]
        )
    return [head, grid(rows, [FRAME_WIDTH - 9.5 * cm, 5 * cm, 2.3 * cm, 2.2 * cm], numeric_from=2)]


def grid(rows: list[list], widths: Sequence[float | None], numeric_from: int | None = None) -> Table:
    """A data table with a shaded header row repeated on every page, zebra rows and right-aligned numeric columns."""
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("FONT", (0, 0), (-1, -1), SANS, 8.5),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), SHADE) for i in range(2, len(rows), 2)]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def note(text: str) -> Flowable:
    """A muted one-line statement such as "No visits in this period."."""
    return para(text, Styles.body.clone("note", textColor=MUTED))
