"""The manager dashboard shows the score service's own numbers, for the chosen region and period, with its links."""

from __future__ import annotations

import re
from datetime import timedelta

from server.services import scores
from server.services.scores.filters import today_utc
from tests.server.auth_helpers import web_login


def test_the_dashboard_shows_the_league_table_with_the_scores_services_numbers(client, session, world):
    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/").text
    league = scores.region_league(session, world.regions["north"], scores.make_scope(session))
    assert f'id="region-score">{league.score:.1f}&nbsp;%' in page
    rows = re.findall(r'<tr data-branch="(\d+)">(.*?)</tr>', page, re.S)
    assert [int(branch) for branch, _ in rows] == [s.branch_id for s in league.standings]
    for (_, row), standing in zip(rows, league.standings):
        assert f"{standing.score:.1f}&nbsp;%" in row and f'<td class="num">{standing.visits}</td>' in row
        if standing.ci_low is not None:
            assert f"{standing.ci_low:.1f}–{standing.ci_high:.1f}" in row


def test_the_dashboard_explains_the_rank_not_distinguishable_mark_and_shows_both_charts_as_svg(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/").text
    assert 'class="uncertain"' in page and "rank not distinguishable" in page
    assert page.count('<svg class="chart desk"') == 2 and page.count('<svg class="chart phone"') == 2
    assert 'aria-label="Region score trend"' in page and 'aria-label="Distribution of branch scores"' in page


def test_the_dashboard_lists_critical_failures_linking_their_visits_and_the_weakest_questions(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/").text
    assert f'href="/visits/{world.failed.id}"' in page and "Price matched?" in page
    assert "Weakest questions" in page and "Greeted on arrival?" in page


def test_every_report_is_one_click_away_for_the_chosen_period(client, world):
    web_login(client, world.people["nora"].email)
    today = today_utc()
    start = today - timedelta(days=30)
    page = client.get("/dashboard/", query_string={"from": start.isoformat(), "to": today.isoformat()}).text
    period = f"from={start.isoformat()}&amp;to={today.isoformat()}"
    north = world.regions["north"]
    assert 'action="/jobs/reports"' in page and f'name="region_id" value="{north.id}"' in page  # built as a job
    assert f'name="from" value="{start.isoformat()}"' in page and f'name="to" value="{today.isoformat()}"' in page
    for key in ("n1", "n2"):
        assert f'href="/reports/branches/{world.branches[key].id}.pdf?{period}"' in page
    assert f'href="/dashboard/regions/{north.id}/visits.csv?{period}"' in page


def test_the_period_picker_narrows_what_is_counted(client, session, world):
    web_login(client, world.people["nora"].email)
    today = today_utc()
    start = today - timedelta(days=8)
    page = client.get("/dashboard/", query_string={"from": start.isoformat(), "to": today.isoformat()}).text
    league = scores.region_league(session, world.regions["north"], scores.make_scope(session, start, today))
    assert league.visits == 2
    assert '<span class="number">2</span><span class="label">Approved visits' in page
    assert f'value="{start.isoformat()}"' in page


def test_a_period_that_makes_no_sense_falls_back_to_the_last_90_days_with_a_note(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/", query_string={"from": "2026-05-01", "to": "2026-01-01"})
    assert page.status_code == 200
    assert "Showing the last 90 days" in page.text
    bad = client.get("/dashboard/", query_string={"from": "yesterday"})
    assert bad.status_code == 200 and "is not a date" in bad.text


def test_an_admin_picks_any_region_and_a_manager_only_their_own(client, world):
    web_login(client, world.people["admin"].email)
    page = client.get("/dashboard/", query_string={"region": world.regions["south"].id}).text
    assert "S-001" in page and "N-001" not in page
    assert "North Region" in page and "South Region" in page


def test_a_manager_sees_only_their_regions_in_the_selector_and_gets_404_for_another(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/").text
    assert "North Region" in page and "South Region" not in page and "S-001" not in page
    assert client.get("/dashboard/", query_string={"region": world.regions["south"].id}).status_code == 404


def test_a_manager_without_regions_is_told_so(client, make):
    web_login(client, make.user("manager").email)
    page = client.get("/dashboard/")
    assert page.status_code == 200 and "not assigned to any region" in page.text


def test_the_trend_chart_is_the_reports_drawing_with_the_services_numbers(client, session, world):
    from reports.charts import to_svg, trend_line
    from server.services.reports.data import region_report_data

    web_login(client, world.people["nora"].email)
    page = client.get("/dashboard/").text
    report = region_report_data(session, world.regions["north"], scores.make_scope(session))
    drawn = to_svg(trend_line(report.trend, 480.0, 160), inline=True)
    labels = re.findall(r">(\d+\.\d%)</text>", drawn)
    assert labels and labels == re.findall(
        r">(\d+\.\d%)</text>", page.split('aria-label="Region score trend"')[1].split("</svg>")[0]
    )
    scored = [point.score for point in report.trend if point.score is not None]
    assert [f"{score:.1f}%" for score in scored] == labels
