"""The one-visit PDF: score and critical failures up front, then sections (table and chart), then every answer with photos."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from . import fmt
from .charts import for_pdf, section_bars
from .data import QuestionRow, SectionRow, VisitReportData
from .images import embedded
from .layout import FRAME_WIDTH, build_pdf, cover, critical_box, grid, note, score_box
from .text import clean, para
from .typography import DANGER, GOOD, MUTED, RULE, WARN, Styles

KIND = "Visit report"
LONG_ANSWER = 400
"""Answers longer than this many characters flow below their question instead of sitting in a table cell."""
THUMB_WIDTH, THUMB_HEIGHT, THUMBS_PER_ROW = 4.0 * cm, 3.0 * cm, 4
STATUS_WORDS = {
    "unscored": "Not scored",
    "na": "N/A",
    "hidden": "Not shown",
    "unanswered": "No answer",
    "invalid": "Invalid answer",
}


def build_visit_report(data: VisitReportData) -> bytes:
    """The visit report PDF for one visit (docs/architecture.md, Reports), as bytes."""
    story: list[Flowable] = cover(data.header)
    if data.not_completed:
        notes = ["Not scored: the visit could not be completed."]
        story.append(score_box(None, "Visit score", notes, _facts(data)))
        story += [Paragraph("Outcome", Styles.h1), para(data.not_completed, Styles.danger)]
        story.append(note("Nothing of this visit counts in any score. An administrator schedules a new visit."))
        if clean(data.review_note).strip():
            story += [Paragraph("Review note", Styles.h2), para(data.review_note, Styles.body)]
        return build_pdf(story, data.header, KIND)
    notes = score_notes(data.score, data.flagged, data.zeroed) + fmt.target_note(data.below_target, data.pass_mark)
    story.append(score_box(data.score, "Visit score", notes, _facts(data)))
    story += critical_box(data.critical_failures, f"Critical failures ({len(data.critical_failures)})")
    if clean(data.review_note).strip():
        story += [Paragraph("Review note", Styles.h2), para(data.review_note, Styles.body)]
    story += _sections(data.sections)
    story += _answers(data.questions, {s.title: s.percent for s in reversed(data.sections)})
    return build_pdf(story, data.header, KIND)


def score_notes(score: float | None, flagged: bool, zeroed: bool) -> list[str]:
    """What the critical-failure policy did to a score, and why a score is missing, in words."""
    notes = []
    if zeroed:
        notes.append("Zeroed: a critical item failed, so the score is set to 0%.")
    if flagged:
        notes.append("Flagged: a critical item failed; the score is kept but needs attention.")
    if score is None:
        notes.append("Not scored: nothing in this visit could earn points.")
    return notes


def _facts(data: VisitReportData) -> list[tuple[str, str]]:
    """Who, where and when, as label/value pairs for the summary band."""
    facts = [
        ("Branch", f"{clean(data.branch_name)} ({clean(data.branch_code)})"),
        ("Region", data.region_name),
        ("Visit date", fmt.day(data.visit_date)),
        ("Shopper", data.shopper),
        ("Checklist", f"{clean(data.template_title)} (version {data.version_number})"),
        ("Status", fmt.words(data.status)),
    ]
    if data.pass_mark is not None:
        facts.append(("Pass mark", f"{fmt.mark(data.pass_mark)} · {fmt.target(data.below_target).lower()}"))
    if data.started_at or data.finished_at:
        facts.append(("Time", f"{fmt.moment(data.started_at)} to {fmt.moment(data.finished_at)}"))
    if data.location is not None:
        where = f"{data.location.latitude:.5f}, {data.location.longitude:.5f}"
        if data.location.accuracy_m is not None:
            where += f" (±{data.location.accuracy_m:.0f} m)"
        facts.append(("Location", where))
    if data.visit_id:
        facts.append(("Visit id", data.visit_id))
    return facts


def _sections(sections: Sequence[SectionRow]) -> list[Flowable]:
    """Section results as a table of points and a bar chart."""
    out: list[Flowable] = [Paragraph("Sections", Styles.h1)]
    if not sections:
        return out + [note("This checklist has no sections.")]
    rows = [["Section", "Earned", "Possible", "Score"]]
    rows += [[para(s.title, Styles.cell), fmt.num(s.earned), fmt.num(s.possible), fmt.pct(s.percent)] for s in sections]
    widths = [FRAME_WIDTH - 6.6 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm]
    if any(s.pass_mark is not None for s in sections):
        rows[0].append("Pass mark")
        for row, s in zip(rows[1:], sections):
            row.append(_section_target(s))
        widths = [FRAME_WIDTH - 11.1 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, 4.5 * cm]
    out.append(grid(rows, widths, numeric_from=1))
    out.append(Spacer(1, 8))
    chart = section_bars([s.title for s in sections], [s.percent for s in sections], FRAME_WIDTH)
    out.append(for_pdf(chart))
    return out


def _section_target(section: SectionRow) -> str:
    """A section's pass mark with its verdict, e.g. "80% · below target"; NONE when it sets none."""
    if section.pass_mark is None:
        return fmt.NONE
    below = section.below_target if section.percent is not None else None
    return (
        f"{fmt.mark(section.pass_mark)} · {fmt.target(below).lower()}"
        if below is not None
        else fmt.mark(section.pass_mark)
    )


def _answers(questions: Sequence[QuestionRow], percents: dict[str, float | None]) -> list[Flowable]:
    """Every question grouped by section (with its percent): text, answer, points and result, comment, thumbnails."""
    out: list[Flowable] = [Paragraph("Answers", Styles.h1)]
    if not questions:
        return out + [note("No answers were recorded.")]
    section = None
    for number, question in enumerate(questions, start=1):
        if question.section_title != section or number == 1:
            section = question.section_title
            percent = percents.get(section)
            out.append(para(clean(section) + (f" · {fmt.pct(percent)}" if percent is not None else ""), Styles.h2))
        out += _question(number, question)
    return out


def _question(number: int, q: QuestionRow) -> list[Flowable]:
    """One question's block (kept together when short)."""
    text = clean(q.text) + ("  [critical]" if q.critical else "")
    answer = clean(q.answer_text)
    long_answer = len(answer) > LONG_ANSWER
    result, colour = _result(q)
    points = f"{fmt.num(q.earned)} / {fmt.num(q.possible)}" if q.status == "scored" else fmt.NONE
    row = [
        Paragraph(str(number), Styles.small),
        para(text, Styles.cell),
        para("(see below)" if long_answer else (answer or fmt.NONE), Styles.cell),
        points,
        para(result, Styles.cell_bold.clone("res", textColor=colour)),
    ]
    table = Table([row], colWidths=[0.8 * cm, FRAME_WIDTH - 10.4 * cm, 5.2 * cm, 1.8 * cm, 2.6 * cm], splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (3, 0), (3, 0), "RIGHT"),
                ("FONTSIZE", (3, 0), (3, 0), 8.5),
                ("LINEABOVE", (0, 0), (-1, 0), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    block: list[Flowable] = [table]
    if long_answer:
        block.append(para(f"Answer: {answer}", Styles.comment))
    if clean(q.comment).strip():
        block.append(para(f"Comment: {clean(q.comment)}", Styles.comment))
    block += _thumbnails(q)
    total = len(answer) * long_answer + len(clean(q.comment))
    return [KeepTogether(block)] if total < 1500 else block


def _result(q: QuestionRow) -> tuple[str, object]:
    """The result column in words with its colour: Pass, Fail, a partial percent, Critical fail, or the status."""
    if q.critical_failure:
        return "Critical fail", DANGER
    if q.status != "scored" or not q.possible:
        return STATUS_WORDS.get(q.status, fmt.words(q.status)), MUTED
    share = q.earned / q.possible * 100
    if share >= 99.995:
        return "Pass", GOOD
    return ("Fail", DANGER) if share <= 0.005 else (fmt.pct(share), WARN)


def _thumbnails(q: QuestionRow) -> list[Flowable]:
    """The question's photos (their thumbnail JPEGs as they are), four to a row, each with its caption."""
    if not q.photos:
        return []
    cells: list[list[Flowable] | str] = []  # str: the empty cells padding the last row
    for photo in q.photos:
        image = embedded(photo.image, THUMB_WIDTH - 6, THUMB_HEIGHT) if photo.image else None
        placeholder = f"(photo not shown: {photo.missing})" if photo.missing else "(photo could not be read)"
        cell: list[Flowable] = [image or para(placeholder, Styles.small)]
        if clean(photo.caption).strip():
            cell += [Spacer(1, 2), para(photo.caption, Styles.small)]
        cells.append(cell)
    rows = [cells[i : i + THUMBS_PER_ROW] for i in range(0, len(cells), THUMBS_PER_ROW)]
    rows[-1] += [""] * (THUMBS_PER_ROW - len(rows[-1]))
    table = Table(rows, colWidths=[THUMB_WIDTH] * THUMBS_PER_ROW, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3)]))
    return [Spacer(1, 2), table]
