"""What the report builders take: frozen, keyword-only dataclasses of plain values, so the server fills them and reports never query.

Conventions, for every class below:
- every percentage (score, percent, pass_rate, ci_low, ci_high, change) is on a 0..100 scale,
  and None means "not scored" / "no data" (printed as such, never as 0 %);
- every text field is raw user text: the builders escape it, so pass it unescaped;
- sequences may be lists or tuples; dates are ``datetime.date``; times are aware ``datetime``s (UTC is fine,
  they are printed as given with their offset);
- photo thumbnails are small ready-made JPEGs (the server's `thumb` rendition, at most 1024 px a side): the
  builders embed their bytes as they are, never decode or shrink them; a logo is any image Pillow reads
  (the builders downscale it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, kw_only=True)
class ReportHeader:
    """The cover block every report starts with: title, when it was made, which filters chose its data, a logo."""

    title: str
    generated_at: datetime
    subtitle: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    """Label -> value, printed in order, e.g. {"Region": "North", "Period": "2026-01-01 to 2026-03-31"}."""
    logo_png: bytes | None = None
    """Optional organisation logo (PNG or any Pillow-readable image); drawn top right, at most 4 x 1.6 cm."""
    organisation: str = ""


# --- visit report ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PhotoThumb:
    """One photo attached to a question: its thumbnail JPEG, an optional caption, and why it is absent if it is."""

    image: bytes
    caption: str = ""
    missing: str = ""
    """Printed instead of the picture when `image` is empty (e.g. the reason the server refused the photo)."""


@dataclass(frozen=True, kw_only=True)
class CriticalFailure:
    """A critical question that earned nothing; visit_date is set when a report lists several visits' failures,
    branch ("code name") when a region report lists several branches'."""

    question_text: str
    section_title: str
    comment: str = ""
    visit_date: date | None = None
    branch: str = ""


@dataclass(frozen=True, kw_only=True)
class SectionRow:
    """A section's result in one visit (shared.scoring.SectionScore); percent None = nothing in it scored."""

    title: str
    percent: float | None
    earned: float
    possible: float
    pass_mark: float | None = None
    """The section's pass mark in the visit's checklist version (None: it sets none)."""
    below_target: bool = False


@dataclass(frozen=True, kw_only=True)
class QuestionRow:
    """One question of a visit as answered: answer already turned into display text (option label, "Yes", "N/A"...).

    status is shared.scoring.STATUSES ("scored", "unscored", "na", "hidden", "unanswered", "invalid");
    earned/possible are the QuestionScore points (both 0 unless scored); critical_failure marks a failed critical item.
    Hidden questions may be left out by the caller; if given they print as "not shown".
    """

    section_title: str
    text: str
    answer_text: str
    status: str
    earned: float = 0.0
    possible: float = 0.0
    comment: str = ""
    critical: bool = False
    critical_failure: bool = False
    photos: Sequence[PhotoThumb] = ()
    key: str = ""
    """The question's key (the visit page links "Raise an action" to it)."""


@dataclass(frozen=True, kw_only=True)
class GeoPoint:
    """Where the device was during the visit (WGS 84 degrees; accuracy in metres if known)."""

    latitude: float
    longitude: float
    accuracy_m: float | None = None


@dataclass(frozen=True, kw_only=True)
class VisitReportData:
    """Everything a one-visit PDF shows (docs/architecture.md, Reports): who, where, when, the score and every answer.

    shopper is the shopper's name or pseudonym ("Shopper 4821"): the caller decides what a reader may see.
    score is the visit percent (0 when zeroed by a critical failure), None when not scored.
    not_completed is why the shopper could not complete the visit ("Could not complete: Shop closed — comment"),
    empty for a completed visit; such a visit prints that line instead of its score table and answers.
    """

    header: ReportHeader
    branch_name: str
    branch_code: str
    region_name: str
    visit_date: date
    shopper: str
    template_title: str
    version_number: int
    status: str
    score: float | None
    flagged: bool = False
    zeroed: bool = False
    critical_failures: Sequence[CriticalFailure] = ()
    sections: Sequence[SectionRow] = ()
    questions: Sequence[QuestionRow] = ()
    started_at: datetime | None = None
    finished_at: datetime | None = None
    location: GeoPoint | None = None
    visit_id: str = ""
    review_note: str = ""
    not_completed: str = ""
    pass_mark: float | None = None
    """The visit pass mark of the checklist version the visit was made with (None: it sets none)."""
    below_target: bool | None = None
    """Whether the score is below pass_mark (shared.targets.judge); None: no pass mark or no score."""


# --- branch report --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrendPoint:
    """One period of a trend line (a week or month): its label, mean score (None = no scored visits) and visit count."""

    label: str
    score: float | None
    visits: int = 0


@dataclass(frozen=True, kw_only=True)
class SectionComparison:
    """A section's mean percent for the branch against the region's mean for the same period."""

    title: str
    branch_percent: float | None
    region_percent: float | None
    pass_mark: float | None = None
    below_target: bool | None = None
    """Whether branch_percent is below the section's pass_mark; None: no pass mark or no percent."""


@dataclass(frozen=True, kw_only=True)
class QuestionRate:
    """How often a question passed: pass_rate = mean percent earned over the answered visits (0..100)."""

    text: str
    section_title: str
    pass_rate: float | None
    answered: int
    critical: bool = False


@dataclass(frozen=True, kw_only=True)
class VisitSummary:
    """One visit in a branch's visit list."""

    visit_date: date
    shopper: str
    score: float | None
    status: str
    flagged: bool = False
    zeroed: bool = False
    critical_failures: int = 0
    template_title: str = ""


@dataclass(frozen=True, kw_only=True)
class BranchReportData:
    """A branch over a period: mean score with its confidence interval, trend, sections against region, weak points, visits.

    rank / branches_in_region give the branch's place in its region's league (None when unranked).
    """

    header: ReportHeader
    branch_name: str
    branch_code: str
    region_name: str
    period_from: date
    period_to: date
    score: float | None
    visit_count: int
    ci_low: float | None = None
    ci_high: float | None = None
    region_score: float | None = None
    rank: int | None = None
    branches_in_region: int | None = None
    trend: Sequence[TrendPoint] = ()
    sections: Sequence[SectionComparison] = ()
    weakest_questions: Sequence[QuestionRate] = ()
    critical_failures: Sequence[CriticalFailure] = ()
    visits: Sequence[VisitSummary] = ()
    pass_mark: float | None = None
    """The pass mark the period is judged by (the newest checklist version counted; None: none set)."""
    below_target: bool | None = None
    """Whether the branch score is below pass_mark; None: no pass mark or no score."""


# --- region report --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LeagueRow:
    """One branch in a region's league table; change = score minus the previous period's (points), None if unknown.

    rank_uncertain marks a rank whose confidence interval overlaps its neighbours' (printed with a "≈").
    """

    rank: int | None
    branch_code: str
    branch_name: str
    score: float | None
    visits: int
    change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    rank_uncertain: bool = False
    critical_failures: int = 0
    below_target: bool | None = None


@dataclass(frozen=True, kw_only=True)
class HeatmapRow:
    """One row of the section heat map: a label (usually the branch) and one percent per section (None = no data)."""

    label: str
    percents: Sequence[float | None]


@dataclass(frozen=True, kw_only=True)
class SectionHeatmap:
    """Section percent by branch: columns are section_titles, each row has one value per column."""

    section_titles: Sequence[str]
    rows: Sequence[HeatmapRow] = ()


@dataclass(frozen=True, kw_only=True)
class RegionReportData:
    """A region over a period: its score, league table, score distribution, section heat map, its newest
    critical failures (critical_failure_total in all) and weakest questions.

    distribution holds the values to histogram (0..100), by default the branches' scores; distribution_label names them.
    """

    header: ReportHeader
    region_name: str
    period_from: date
    period_to: date
    score: float | None
    visit_count: int
    league: Sequence[LeagueRow] = ()
    distribution: Sequence[float] = ()
    distribution_label: str = "Branch scores"
    heatmap: SectionHeatmap | None = None
    trend: Sequence[TrendPoint] = ()
    weakest_questions: Sequence[QuestionRate] = ()
    critical_failures: Sequence[CriticalFailure] = ()
    critical_failure_total: int = 0
    pass_mark: float | None = None
    """The pass mark the period is judged by (the newest checklist version counted; None: none set)."""
    below_target: bool | None = None
    """Whether the region score is below pass_mark; None: no pass mark or no score."""
