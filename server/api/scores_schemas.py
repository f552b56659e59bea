"""Response shapes of the score endpoints; every percentage is 0..100 with 2 decimals, null = no scored data."""

from __future__ import annotations

from marshmallow import Schema, fields

PCT = {"description": "percent 0..100, 2 decimals; null when nothing was scored"}
TARGET = (
    "the pass mark of the newest checklist version counted in the period (docs/checklist-format.md, Targets); "
    "null = that version sets none"
)
BELOW = "score below the pass mark; null when there is no pass mark or no score"


def pass_mark(description: str = TARGET) -> fields.Float:
    """A pass mark field: a percentage 0..100 as the checklist version writes it, or null."""
    return fields.Float(allow_none=True, metadata={"description": description})


def below_target(description: str = BELOW) -> fields.Boolean:
    """A below-target verdict field: true, false, or null (no pass mark or no score)."""
    return fields.Boolean(allow_none=True, metadata={"description": description})


def pct(description: str = "") -> fields.Float:
    """A published percentage field."""
    return fields.Float(allow_none=True, metadata={"description": description or PCT["description"]})


class PeriodSchema(Schema):
    """Dates counted, both inclusive (UTC)."""

    from_ = fields.Date(attribute="start", data_key="from")
    to = fields.Date(attribute="end")
    days = fields.Integer()


class RegionRefSchema(Schema):
    """A region named in an answer."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class BranchRefSchema(RegionRefSchema):
    """A branch named in an answer, with its region."""

    region_id = fields.Integer()


class ScopedSchema(Schema):
    """What every scores answer says about its filters: the period and the checklist (if one was chosen)."""

    period = fields.Nested(PeriodSchema)
    template_id = fields.Integer(allow_none=True)


class BranchScopedSchema(ScopedSchema):
    """A scores answer about one branch."""

    branch = fields.Nested(BranchRefSchema)


class StandingSchema(Schema):
    """A branch in its region's league table."""

    rank = fields.Integer(
        allow_none=True, metadata={"description": "competition rank (ties share it); null = unscored"}
    )
    rank_uncertain = fields.Boolean(metadata={"description": "the 95 % interval overlaps a neighbour's"})
    branch_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    score = pct("mean of the branch's scored visits")
    ci_low = pct("95 % t-interval, lower end; null below 2 scored visits")
    ci_high = pct("95 % t-interval, upper end; null below 2 scored visits")
    visits = fields.Integer(metadata={"description": "approved, complete visits in the period"})
    scored_visits = fields.Integer(metadata={"description": "visits behind the mean"})
    unscored_visits = fields.Integer(metadata={"description": "visits with nothing to score, left out of the mean"})
    previous_score = pct("the branch score in the previous period")
    previous_visits = fields.Integer(metadata={"description": "scored visits in the previous period"})
    change = pct("score minus previous score, in percentage points")
    critical_failures = fields.Integer(metadata={"description": "critical items failed in the period"})
    below_target = below_target("the branch score is below the league's pass_mark; null = no pass mark or no score")


class LeagueSchema(ScopedSchema):
    """A region's league table."""

    region = fields.Nested(RegionRefSchema)
    previous_period = fields.Nested(PeriodSchema)
    score = pct("region score: mean of its branches' scores")
    previous_score = pct()
    change = pct("percentage points")
    branches_scored = fields.Integer()
    visits = fields.Integer()
    scored_visits = fields.Integer()
    pass_mark = pass_mark()
    below_target = below_target("the region score is below pass_mark; null = no pass mark or no score")
    branches_below_target = fields.Integer(metadata={"description": "branches whose score is below pass_mark"})
    section_pass_marks = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": "section key -> pass mark, for the sections that version sets one for"},
    )
    standings = fields.List(fields.Nested(StandingSchema), data_key="branches")


class RegionSummarySchema(Schema):
    """A region's headline numbers."""

    id = fields.Integer(attribute="region_id")
    code = fields.String()
    name = fields.String()
    score = pct("mean of its branches' scores")
    previous_score = pct()
    change = pct("percentage points")
    branches = fields.Integer(metadata={"description": "active branches"})
    branches_scored = fields.Integer()
    visits = fields.Integer()
    scored_visits = fields.Integer()
    pass_mark = pass_mark()
    below_target = below_target("the region score is below pass_mark; null = no pass mark or no score")


class RegionListSchema(ScopedSchema):
    """Every region the caller may see, for one period."""

    regions = fields.List(fields.Nested(RegionSummarySchema))


class TrendBucketSchema(Schema):
    """One ISO week ("2026-W07") or calendar month ("2026-02")."""

    label = fields.String()
    start = fields.Date(metadata={"description": "first day counted (the bucket start, or the period start)"})
    end = fields.Date(metadata={"description": "last day counted"})
    visits = fields.Integer()
    scored_visits = fields.Integer()
    score = pct()
    branches_scored = fields.Integer()


class TrendSchema(BranchScopedSchema):
    """A branch's or region's score per bucket, oldest first, empty buckets included."""

    region = fields.Nested(RegionRefSchema)
    by = fields.String()
    buckets = fields.List(fields.Nested(TrendBucketSchema))


class SectionAverageSchema(Schema):
    """One section: the branch against the mean of its region's branches."""

    key = fields.String()
    title = fields.String()
    branch_percent = pct("mean of the section's percent over the branch's visits")
    branch_visits = fields.Integer()
    region_percent = pct("mean of the region's branches' section percents")
    region_branches = fields.Integer()
    difference = pct("branch minus region, percentage points")


class SectionsSchema(BranchScopedSchema):
    """A branch's section averages in checklist order."""

    sections = fields.List(fields.Nested(SectionAverageSchema))


class QuestionRateSchema(Schema):
    """One question's pass rate at a branch."""

    key = fields.String()
    text = fields.String()
    section_key = fields.String()
    section_title = fields.String()
    critical = fields.Boolean()
    answered = fields.Integer(metadata={"description": "answers that could earn points"})
    earned = fields.Float()
    possible = fields.Float()
    rate = pct("sum(earned) / sum(possible)")
    full_marks = pct("share of answers that earned full marks")


class QuestionsSchema(BranchScopedSchema):
    """A branch's question pass rates, weakest first."""

    questions = fields.List(fields.Nested(QuestionRateSchema))


class CriticalFailureSchema(Schema):
    """A failed critical item and the visit it was in."""

    visit_id = fields.UUID()
    finished_at = fields.DateTime()
    question_key = fields.String()
    question_text = fields.String()
    section_key = fields.String()
    section_title = fields.String()
    comment = fields.String()
    visit_score = pct("the visit's score (0 when the failure zeroed it)")
    zeroed = fields.Boolean()
    flagged = fields.Boolean()


class CriticalFailuresSchema(BranchScopedSchema):
    """Every failed critical item at a branch in the period, newest visit first."""

    total = fields.Integer()
    failures = fields.List(fields.Nested(CriticalFailureSchema))
