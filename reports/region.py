"""The region PDF for a period: region score, distribution, league table, section heat map, critical failures and
weakest questions."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from . import fmt
from .charts import for_pdf, heatmap, histogram, trend_line
from .data import LeagueRow, RegionReportData
from .layout import FRAME_WIDTH, build_pdf, cover, critical_box, grid, note, score_box, weakest_questions
from .text import clean, para
from .typography import Styles

KIND = "Region report"
HEATMAP_ROWS_PER_PAGE = 44
UNCERTAIN = "≈"


def build_region_report(data: RegionReportData) -> bytes:
    """The region report PDF (docs/architecture.md, Reports), as bytes."""
    story: list[Flowable] = cover(data.header)
    scored = sum(1 for row in data.league if row.score is not None)  # unvisited branches are listed, not averaged
    story.append(
        score_box(
            data.score,
            f"Region score: mean of {scored} branch{'' if scored == 1 else 'es'}",
            _notes(data),
            _facts(data),
        )
    )
    story += [
        Paragraph("Score distribution", Styles.h1),
        for_pdf(histogram(data.distribution, FRAME_WIDTH, what=clean(data.distribution_label).lower())),
    ]
    if data.trend:
        story += [Paragraph("Score trend", Styles.h1), for_pdf(trend_line(data.trend, FRAME_WIDTH, 120))]
    story += _league(data.league, data.pass_mark)
    story += _heatmap(data)
    shown = len(data.critical_failures)
    story += critical_box(
        data.critical_failures,
        f"Critical failures in this period ({data.critical_failure_total}"
        + (f", newest {shown} listed)" if data.critical_failure_total > shown else ")"),
    )
    story += weakest_questions(data.weakest_questions)
    return build_pdf(story, data.header, KIND)


def _notes(data: RegionReportData) -> list[str]:
    """Why there is no score, in words."""
    if not data.league and data.visit_count == 0:
        return ["No visits in this period."]
    if data.score is None:
        return ["Not scored: no branch has a scored visit in this period."]
    return fmt.target_note(data.below_target, data.pass_mark)


def _facts(data: RegionReportData) -> list[tuple[str, str]]:
    """Region, period and counts."""
    scored = [(row.score, row) for row in data.league if row.score is not None]
    facts = [
        ("Region", data.region_name),
        ("Period", fmt.period(data.period_from, data.period_to)),
        ("Branches", str(len(data.league))),
        ("Visits", str(data.visit_count)),
        ("Critical failures", str(sum(row.critical_failures for row in data.league))),
    ]
    if data.pass_mark is not None:
        below = sum(1 for row in data.league if row.below_target)
        facts.append(("Pass mark", f"{fmt.mark(data.pass_mark)} · {below} branch{'' if below == 1 else 'es'} below"))
    if scored:
        best = max(scored, key=lambda pair: pair[0])[1]
        worst = min(scored, key=lambda pair: pair[0])[1]
        facts += [
            ("Highest", f"{fmt.pct(best.score)} {clean(best.branch_name)}"),
            ("Lowest", f"{fmt.pct(worst.score)} {clean(worst.branch_name)}"),
        ]
    return facts


def league_cells(row: LeagueRow) -> list:
    """One league-table row as printed (rank with "≈" when uncertain, score, interval, visits, change, criticals)."""
    rank = fmt.NONE if row.rank is None else (UNCERTAIN if row.rank_uncertain else "") + str(row.rank)
    return [
        rank,
        para(row.branch_code, Styles.cell),
        para(row.branch_name, Styles.cell),
        fmt.pct(row.score),
        fmt.interval(row.ci_low, row.ci_high),
        str(row.visits),
        fmt.change(row.change),
        str(row.critical_failures),
    ]


def _league(league: Sequence[LeagueRow], pass_mark: float | None = None) -> list[Flowable]:
    """The league table, header repeated on every page, with a key for the uncertain-rank mark; a Target column
    when the period has a pass mark."""
    head = Paragraph("League table", Styles.h1)
    if not league:
        return [head, note("No branches with visits in this period.")]
    rows = [["Rank", "Code", "Branch", "Score", "95% interval", "Visits", "Change", "Critical"]]
    rows += [league_cells(row) for row in league]
    widths = [1.3 * cm, 1.9 * cm, FRAME_WIDTH - 11.7 * cm, 1.7 * cm, 2.4 * cm, 1.3 * cm, 1.6 * cm, 1.5 * cm]
    words = ""
    if pass_mark is not None:
        rows[0].append("Target")
        for cells, row in zip(rows[1:], league):
            cells.append("Below" if row.below_target else fmt.NONE if row.below_target is None else "Met")
        widths = [
            1.3 * cm,
            1.9 * cm,
            FRAME_WIDTH - 13.2 * cm,
            1.7 * cm,
            2.4 * cm,
            1.3 * cm,
            1.6 * cm,
            1.5 * cm,
            1.5 * cm,
        ]
        words = f" Target: the branch score against the pass mark of {fmt.mark(pass_mark)} (Below = below target)."
    table = grid(rows, widths, numeric_from=3)
    table.setStyle([("ALIGN", (0, 0), (0, -1), "RIGHT")])
    key = Paragraph(
        f"{UNCERTAIN} before a rank: the branch's 95% interval overlaps a neighbour's, so the order "
        "between them is not certain. Change: points against the previous period." + words,
        Styles.small,
    )
    return [head, key, table]


def _heatmap(data: RegionReportData) -> list[Flowable]:
    """Section percent by branch, split into page-sized drawings."""
    head = Paragraph("Sections by branch", Styles.h1)
    heat = data.heatmap
    if heat is None or not heat.rows or not heat.section_titles:
        return [head, note("No section results in this period.")]
    rows = list(heat.rows)
    parts = [
        for_pdf(heatmap(heat.section_titles, rows[start : start + HEATMAP_ROWS_PER_PAGE], FRAME_WIDTH))
        for start in range(0, len(rows), HEATMAP_ROWS_PER_PAGE)
    ]
    return [KeepTogether([head, parts[0]]), *parts[1:]]
