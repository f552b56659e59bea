"""Branch and region reports from the database as reports.data dataclasses, built only from the score services.

A report shows exactly what the score API shows for the same filters: the same League, trends, sections,
question rates and critical failures, turned into the builders' plain data.
"""

from __future__ import annotations

from sqlalchemy import select

from reports.data import (
    BranchReportData,
    CriticalFailure,
    HeatmapRow,
    LeagueRow,
    QuestionRate,
    RegionReportData,
    ReportHeader,
    SectionComparison,
    SectionHeatmap,
    TrendPoint,
    VisitSummary,
)
from server.extensions import DbSession
from server.models import Branch, Region, Template, TemplateVersion, User, Visit
from server.models.types import utcnow
from server.services import scores
from server.services.accounts.shopper_labels import ShopperLabels
from server.services.scores import Scope, counted

WEAKEST_QUESTIONS = 10
"""How many of the weakest questions a branch or region report (and the dashboard) lists."""

RECENT_FAILURES = 25
"""How many critical failures a region report (and the dashboard) lists, newest first."""


def trend_bucket(scope: Scope) -> str:
    """Weeks for periods up to a quarter, months beyond: a readable number of points either way."""
    return "week" if scope.period.days <= 92 else "month"


def _header(session: DbSession, title: str, subtitle: str, scope: Scope, **filters: str) -> ReportHeader:
    template = session.get(Template, scope.template_id) if scope.template_id else None
    return ReportHeader(
        title=title,
        subtitle=subtitle,
        generated_at=utcnow(),
        filters={
            **filters,
            "Period": str(scope.period),
            "Checklist": template.name if template else "All checklists",
            "Counted": "approved visits with all photos",
        },
    )


def _trend(buckets: list[scores.TrendBucket], by: str) -> list[TrendPoint]:
    """Trend points labelled short enough for a chart axis: "07 Sep" (week starting) or "Sep 26" (month)."""
    shape = "%d %b" if by == "week" else "%b %y"
    return [TrendPoint(label=b.start.strftime(shape), score=b.score, visits=b.visits) for b in buckets]


def region_trend_points(session: DbSession, region: Region, scope: Scope) -> list[TrendPoint]:
    """The region's trend as the region report and the dashboard chart it: weekly up to a quarter, else monthly."""
    by = trend_bucket(scope)
    return _trend(scores.region_trend(session, region, scope, by), by)


def score_distribution(league: scores.League) -> list[float]:
    """The branch scores of a league, for the distribution chart (unscored branches left out)."""
    return [s.score for s in league.standings if s.score is not None]


def _visits(session: DbSession, branch: Branch, scope: Scope, labels: ShopperLabels) -> list[VisitSummary]:
    """The branch's counted visits in the period, newest first (a listing, not an aggregate)."""
    rows = session.execute(
        select(Visit, User.name, User.pseudonym, Template.name)
        .join(User, User.id == Visit.shopper_id)
        .join(TemplateVersion, TemplateVersion.id == Visit.template_version_id)
        .join(Template, Template.id == TemplateVersion.template_id)
        .where(*counted(scope), Visit.branch_id == branch.id)
        .order_by(Visit.finished_at.desc(), Visit.id)
    )
    return [
        VisitSummary(
            visit_date=v.finished_at.date(),
            shopper=labels.label(name, pseudonym),
            score=v.score_percent,
            status=v.status.value,
            flagged=v.flagged,
            zeroed=v.zeroed,
            critical_failures=v.critical_failures,
            template_title=template,
        )
        for v, name, pseudonym, template in rows
    ]


def _float(value: int | float | None) -> float | None:
    """A pass mark as the reports' float, None kept."""
    return None if value is None else float(value)


def branch_report_data(
    session: DbSession, branch: Branch, scope: Scope, *, labels: ShopperLabels, league: scores.League | None = None
) -> BranchReportData:
    """A branch over a period: its league line, trend, sections against the region, weakest questions, visits
    (their shoppers as `labels` says). `league`: the region's league for `scope`, if the caller has it."""
    league = league or scores.region_league(session, branch.region, scope)
    mine = next((s for s in league.standings if s.branch_id == branch.id), None)
    rates = scores.question_rates(session, branch, scope)[:WEAKEST_QUESTIONS]
    failures = scores.critical_failures(session, branch, scope)
    by = trend_bucket(scope)
    return BranchReportData(
        header=_header(
            session,
            "Branch report",
            f"{branch.name} · {scope.period}",
            scope,
            Region=branch.region.name,
            Branch=f"{branch.code} {branch.name}",
        ),
        branch_name=branch.name,
        branch_code=branch.code,
        region_name=branch.region.name,
        period_from=scope.period.start,
        period_to=scope.period.end,
        score=mine.score if mine else None,
        visit_count=mine.visits if mine else 0,
        ci_low=mine.ci_low if mine else None,
        ci_high=mine.ci_high if mine else None,
        region_score=league.score,
        rank=mine.rank if mine else None,
        branches_in_region=league.branches_scored or None,
        trend=_trend(scores.branch_trend(session, branch, scope, by), by),
        sections=[
            SectionComparison(
                title=s.title,
                branch_percent=s.branch_percent,
                region_percent=s.region_percent,
                pass_mark=_float(league.targets.sections.get(s.key)),
                below_target=league.targets.section_below(s.key, s.branch_percent),
            )
            for s in scores.branch_sections(session, branch, scope)
        ],
        weakest_questions=[
            QuestionRate(
                text=r.text, section_title=r.section_title, pass_rate=r.rate, answered=r.answered, critical=r.critical
            )
            for r in rates
        ],
        critical_failures=[
            CriticalFailure(
                question_text=f.question_text,
                section_title=f.section_title,
                comment=f.comment,
                visit_date=f.finished_at.date(),
            )
            for f in failures
        ],
        visits=_visits(session, branch, scope, labels),
        pass_mark=league.pass_mark,
        below_target=mine.below_target if mine else None,
    )


def region_report_data(
    session: DbSession,
    region: Region,
    scope: Scope,
    *,
    league: scores.League | None = None,
    questions: scores.RegionQuestions | None = None,
    failures: scores.RegionFailures | None = None,
) -> RegionReportData:
    """A region over a period: league table, distribution of branch scores, section heat map, trend, newest
    critical failures and weakest questions. The roll-ups a caller already has (the dashboard) are passed in."""
    league = league or scores.region_league(session, region, scope)
    questions = questions or scores.region_question_rates(session, region, scope, WEAKEST_QUESTIONS)
    failures = failures or scores.region_critical_failures(session, region, scope, RECENT_FAILURES)
    grid = scores.section_grid(session, region, scope)
    heat_rows = [
        HeatmapRow(label=f"{s.code} {s.name}", percents=[grid.percents[s.branch_id][key] for key, _ in grid.sections])
        for s in league.standings
        if s.branch_id in grid.percents
    ]
    return RegionReportData(
        header=_header(session, "Region report", f"{region.name} · {scope.period}", scope, Region=region.name),
        region_name=region.name,
        period_from=scope.period.start,
        period_to=scope.period.end,
        score=league.score,
        visit_count=league.visits,
        league=[
            LeagueRow(
                rank=s.rank,
                branch_code=s.code,
                branch_name=s.name,
                score=s.score,
                visits=s.visits,
                change=s.change,
                ci_low=s.ci_low,
                ci_high=s.ci_high,
                rank_uncertain=s.rank_uncertain,
                critical_failures=s.critical_failures,
                below_target=s.below_target,
            )
            for s in league.standings
        ],
        distribution=score_distribution(league),
        heatmap=SectionHeatmap(section_titles=[title for _, title in grid.sections], rows=heat_rows)
        if grid.sections
        else None,
        trend=region_trend_points(session, region, scope),
        weakest_questions=[
            QuestionRate(
                text=q.text, section_title=q.section_title, pass_rate=q.rate, answered=q.answered, critical=q.critical
            )
            for q in questions.rows
        ],
        critical_failures=[
            CriticalFailure(
                question_text=f.item.question_text,
                section_title=f.item.section_title,
                comment=f.item.comment,
                visit_date=f.item.finished_at.date(),
                branch=f"{f.branch.code} {f.branch.name}",
            )
            for f in failures.rows
        ],
        critical_failure_total=failures.total,
        pass_mark=league.pass_mark,
        below_target=league.below_target,
    )
