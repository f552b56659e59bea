"""Below target on the web: the dashboard's league table, its region headline and the branch page."""

from __future__ import annotations

import re
from datetime import timedelta

from server.services.scores.filters import today_utc
from tests.server.auth_helpers import web_login
from tests.server.scores.test_targets import targeted
from tests.server.scores.world import ScoreWorld


def _region(make, session, definition):
    """A region with a branch on target (P: 90) and one below it (B: 70), and its manager signed in later."""
    world = ScoreWorld(make, session)
    world.version = make.template(definition).versions[0]
    region = make.region()
    day = today_utc() - timedelta(days=3)
    on, below = make.branch(region, code="ON"), make.branch(region, code="BL")
    world.visit(on, 90.0, day, sections={"front": 95.0, "till": 80.0})
    world.visit(below, 70.0, day, sections={"front": 60.0, "till": 80.0})
    return region, on, below, make.user("manager", regions=[region])


def _row(page: str, branch) -> str:
    return re.search(rf'<tr data-branch="{branch.id}">(.*?)</tr>', page, re.S).group(1)


def test_the_league_table_marks_the_branch_below_the_pass_mark(client, make, session):
    region, on, below, manager = _region(make, session, targeted(80))
    web_login(client, manager.email)
    page = client.get(f"/dashboard/?region={region.id}").text
    assert "<th>Target</th>" in page
    assert "below target" in _row(page, below) and "on target" in _row(page, on)
    headline = page.split('id="region-target">')[1].split("</div>")[0]
    assert "80&nbsp;%" in headline and "on target" in headline and "1 of 2 branches below" in headline


def test_without_a_pass_mark_the_dashboard_shows_no_target_column(client, make, session):
    region, _, below, manager = _region(make, session, None)
    web_login(client, manager.email)
    page = client.get(f"/dashboard/?region={region.id}").text
    assert "<th>Target</th>" not in page and 'id="region-target"' not in page
    assert "target" not in _row(page, below)


def test_the_branch_page_shows_its_verdict_and_each_section_against_its_pass_mark(client, make, session):
    region, _, below, manager = _region(make, session, targeted(80, front=75))
    web_login(client, manager.email)
    page = client.get(f"/dashboard/branches/{below.id}").text
    headline = page.split('id="branch-target">')[1].split("</div>")[0]
    assert "80&nbsp;%" in headline and "below target" in headline
    table = page.split('id="section-targets">')[1].split("</table>")[0]
    assert "Front of house" in table and "75&nbsp;%" in table and "below target" in table
    assert "At the till" not in table  # no pass mark for that section


def test_the_branch_pdf_and_region_pdf_say_below_target(client, make, session):
    from tests.reports.pdfcheck import body, contains

    region, _, below, manager = _region(make, session, targeted(80, front=75))
    web_login(client, manager.email)
    branch_pdf = body(client.get(f"/reports/branches/{below.id}.pdf").data)
    assert contains(branch_pdf, "Below target: the pass mark is 80%.")
    assert contains(branch_pdf, "75%Below target")
    region_pdf = body(client.get(f"/reports/regions/{region.id}.pdf").data)
    assert contains(region_pdf, "Pass mark80% · 1 branch below") and contains(region_pdf, "Below")


def test_the_visit_pdf_and_page_judge_the_visit_by_its_own_versions_pass_marks(client, make, session):
    import copy

    from tests.reports.pdfcheck import body, contains
    from tests.server.web.dashboard.world import ALL_YES, CHECKLIST, FAILED, build

    world = build(make, session, client)
    definition = copy.deepcopy(CHECKLIST)
    definition["pass_mark"] = 80
    definition["sections"][1]["pass_mark"] = 50
    world.template = make.template(definition)
    failed, good = world.visit("n1", FAILED), world.visit("n1", ALL_YES)
    web_login(client, world.people["nora"].email)
    text = body(client.get(f"/reports/visits/{failed.id}.pdf").data)
    assert contains(text, "Below target: the pass mark is 80%.") and contains(text, "Pass mark80% · below target")
    assert contains(text, "50% · below target")
    text = body(client.get(f"/reports/visits/{good.id}.pdf").data)
    assert contains(text, "Pass mark80% · on target") and "Below target" not in text
    page = client.get(f"/visits/{failed.id}").text  # and the visit page says the same
    assert re.search(r'id="visit-target">below target · pass mark 80(\.0)?(&nbsp;| )?%', page)
    assert 'id="visit-target">on target' in client.get(f"/visits/{good.id}").text
