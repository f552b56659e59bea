"""Score roll-ups (docs/architecture.md, Domain rules and scoring): league tables, trends, section and question breakdowns, critical failures.

Every roll-up counts only approved visits with all their photos, finished in the scope's period
(`filters.counted`), and is computed with GROUP BY queries over the stored per-visit, per-section and
per-answer scores; Python only combines the aggregated rows. Statistics: see `stats`.
"""

from server.services.scores.buckets import BUCKETS
from server.services.scores.filters import (
    DEFAULT_DAYS,
    MAX_PERIOD_DAYS,
    Period,
    Scope,
    ScoreFilterError,
    counted,
    make_scope,
)
from server.services.scores.league import League, Standing, region_league
from server.services.scores.questions import CriticalFailureItem, QuestionRate, critical_failures, question_rates
from server.services.scores.region_failures import BranchRef, RegionFailure, RegionFailures, region_critical_failures
from server.services.scores.region_questions import RegionQuestion, RegionQuestions, region_question_rates
from server.services.scores.regions import RegionSummary, region_summaries
from server.services.scores.sections import SectionAverage, SectionGrid, branch_sections, section_grid
from server.services.scores.stats import t_quantile_975
from server.services.scores.trend import TrendBucket, branch_trend, region_trend

__all__ = [
    "BUCKETS",
    "BranchRef",
    "CriticalFailureItem",
    "DEFAULT_DAYS",
    "League",
    "MAX_PERIOD_DAYS",
    "Period",
    "QuestionRate",
    "RegionFailure",
    "RegionFailures",
    "RegionQuestion",
    "RegionQuestions",
    "RegionSummary",
    "Scope",
    "ScoreFilterError",
    "SectionAverage",
    "SectionGrid",
    "Standing",
    "TrendBucket",
    "branch_sections",
    "branch_trend",
    "counted",
    "critical_failures",
    "make_scope",
    "question_rates",
    "region_critical_failures",
    "region_league",
    "region_question_rates",
    "region_summaries",
    "region_trend",
    "section_grid",
    "t_quantile_975",
]
