"""The branch page shows the branch report's numbers, its charts as SVG, and links to its visits and PDF."""

from __future__ import annotations

from server.services import scores
from server.services.accounts.shopper_labels import NAMES
from server.services.reports.data import branch_report_data
from tests.server.auth_helpers import web_login


def test_the_branch_page_shows_the_score_rank_and_region_score_of_the_branch_report(client, session, world):
    web_login(client, world.people["nora"].email)
    branch = world.branches["n1"]
    page = client.get(f"/dashboard/branches/{branch.id}").text
    report = branch_report_data(session, branch, scores.make_scope(session), labels=NAMES)
    assert f'id="branch-score">{report.score:.1f}&nbsp;%' in page
    assert f"{report.region_score:.1f}&nbsp;%" in page and f"{report.rank} of {report.branches_in_region}" in page


def test_the_branch_page_draws_the_trend_and_the_sections_against_the_region(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get(f"/dashboard/branches/{world.branches['n1'].id}").text
    assert 'aria-label="Branch score trend"' in page
    assert 'aria-label="Section averages against the region"' in page
    assert "Front of house" in page and "At the till" in page


def test_the_branch_page_lists_its_visits_linking_to_visit_pages_and_the_weakest_questions(client, world):
    web_login(client, world.people["nora"].email)
    page = client.get(f"/dashboard/branches/{world.branches['n1'].id}").text
    assert f'href="/visits/{world.failed.id}"' in page and f'href="/visits/{world.good.id}"' in page
    assert f'href="/reports/visits/{world.failed.id}.pdf"' in page
    assert "Weakest questions" in page and "Price matched?" in page


def test_the_branch_page_links_the_branch_pdf_for_its_period(client, world):
    web_login(client, world.people["nora"].email)
    branch = world.branches["n1"]
    page = client.get(f"/dashboard/branches/{branch.id}", query_string={"from": "2026-10-01", "to": "2026-11-20"}).text
    assert f'href="/reports/branches/{branch.id}.pdf?from=2026-10-01&amp;to=2026-11-20"' in page
    pdf = client.get(f"/reports/branches/{branch.id}.pdf", query_string={"from": "2026-10-01", "to": "2026-11-20"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
