"""The branch PDF for a period: score with interval and rank, trend, sections against the region, weak points, visits."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from . import fmt
from .charts import for_pdf, section_bars, trend_line
from .data import BranchReportData, VisitSummary
from .layout import FRAME_WIDTH, build_pdf, cover, critical_box, grid, note, score_box, weakest_questions
from .text import clean, para
from .typography import Styles

KIND = "Branch report"


def build_branch_report(data: BranchReportData) -> bytes:
    """The branch report PDF (docs/architecture.md, Reports), as bytes."""
    story: list[Flowable] = cover(data.header)
    story.append(
        score_box(
            data.score,
            f"Branch score: mean of {data.visit_count} visit{'' if data.visit_count == 1 else 's'}",
            _notes(data),
            _facts(data),
        )
    )
    story += critical_box(data.critical_failures, f"Critical failures in this period ({len(data.critical_failures)})")
    story += [Paragraph("Score trend", Styles.h1), for_pdf(trend_line(data.trend, FRAME_WIDTH))]
    story += _sections(data)
    story += weakest_questions(data.weakest_questions)
    story += _visits(data.visits)
    return build_pdf(story, data.header, KIND)


def _notes(data: BranchReportData) -> list[str]:
    """Why there is no score, in words."""
    if data.visit_count == 0:
        return ["No visits in this period."]
    if data.score is None:
        return ["Not scored: none of these visits could earn points."]
    return fmt.target_note(data.below_target, data.pass_mark)


def _facts(data: BranchReportData) -> list[tuple[str, str]]:
    """Branch, region, period and the numbers around the score."""
    rank = (
        fmt.NONE
        if data.rank is None
        else f"{data.rank}" + (f" of {data.branches_in_region}" if data.branches_in_region else "")
    )
    facts = [
        ("Branch", f"{clean(data.branch_name)} ({clean(data.branch_code)})"),
        ("Region", data.region_name),
        ("Period", fmt.period(data.period_from, data.period_to)),
        ("Visits", str(data.visit_count)),
        ("95% interval", fmt.interval(data.ci_low, data.ci_high)),
        ("Region score", fmt.pct(data.region_score)),
        ("Rank in region", rank),
        ("Critical failures", str(len(data.critical_failures))),
    ]
    if data.pass_mark is not None:
        facts.append(("Pass mark", f"{fmt.mark(data.pass_mark)} · {fmt.target(data.below_target).lower()}"))
    return facts


def _sections(data: BranchReportData) -> list[Flowable]:
    """Section averages for the branch against the region: bars and a table with the difference."""
    head = Paragraph("Sections against the region", Styles.h1)
    if not data.sections:
        return [head, note("No section results in this period.")]
    chart = section_bars(
        [s.title for s in data.sections],
        [s.branch_percent for s in data.sections],
        FRAME_WIDTH,
        compare=[s.region_percent for s in data.sections],
        legend=("This branch", "Region"),
    )
    targets = any(s.pass_mark is not None for s in data.sections)
    rows = [["Section", "Branch", "Region", "Difference"] + (["Pass mark", "Target"] if targets else [])]
    for s in data.sections:
        gap = None if s.branch_percent is None or s.region_percent is None else s.branch_percent - s.region_percent
        row = [para(s.title, Styles.cell), fmt.pct(s.branch_percent), fmt.pct(s.region_percent), fmt.change(gap)]
        rows.append(row + ([fmt.mark(s.pass_mark), fmt.target(s.below_target)] if targets else []))
    widths = [FRAME_WIDTH - 7.5 * cm, 2.5 * cm, 2.5 * cm, 2.5 * cm]
    if targets:
        widths = [FRAME_WIDTH - 12.8 * cm, 2.3 * cm, 2.3 * cm, 2.3 * cm, 2.3 * cm, 3.6 * cm]
    table = grid(rows, widths, numeric_from=1)
    return [head, for_pdf(chart), Spacer(1, 6), table]


def _visits(visits: Sequence[VisitSummary]) -> list[Flowable]:
    """Every visit in the period with its score and what critical failures did to it."""
    head = Paragraph("Visits", Styles.h1)
    if not visits:
        return [KeepTogether([head, note("No visits in this period.")])]
    rows = [["Date", "Shopper", "Checklist", "Score", "Status", "Critical"]]
    for v in visits:
        status = fmt.words(v.status) + (" · zeroed" if v.zeroed else "") + (" · flagged" if v.flagged else "")
        rows.append(
            [
                fmt.day(v.visit_date),
                para(v.shopper, Styles.cell),
                para(v.template_title, Styles.cell),
                fmt.pct(v.score, "not scored"),
                para(status, Styles.cell),
                str(v.critical_failures),
            ]
        )
    widths = [2.2 * cm, 3.2 * cm, FRAME_WIDTH - 12.2 * cm, 2 * cm, 3.2 * cm, 1.6 * cm]
    table = grid(rows, widths)
    table.setStyle([("ALIGN", (3, 0), (3, -1), "RIGHT"), ("ALIGN", (5, 0), (5, -1), "RIGHT")])
    return [head, table]
