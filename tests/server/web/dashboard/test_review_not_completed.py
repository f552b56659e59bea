"""A visit the shopper could not complete on the web: a clear line in the review queue, on the visit page, on the
branch page and in the CSV export; approving or returning it still works, and no score changes."""

from __future__ import annotations

import csv
import io

import pytest

from server.models import VisitStatus
from server.services import scores
from tests.reports.pdfcheck import contains, pages
from tests.server.auth_helpers import web_login
from tests.server.sync.helpers import pull_all
from tests.server.web.dashboard.test_review_queue import decide

CLOSED = {"status": "not_completed", "reason": "shop_closed", "comment": "Shutters down & no notice"}
LINE = "Could not complete: Shop closed — Shutters down &amp; no notice"


@pytest.fixture
def closed(world, client):
    """One not-completed visit at N-001 waiting for a decision; the admin signed in."""
    world.closed = world.visit("n1", days_ago=2, approve=False, outcome=dict(CLOSED))
    web_login(client, world.people["admin"].email)
    return world


def test_the_queue_and_the_review_page_say_it_could_not_be_completed(client, closed):
    queue = client.get("/review/").text
    assert str(closed.closed.id) in queue and LINE in queue
    page = client.get(f"/review/visits/{closed.closed.id}").text
    assert 'id="not-completed"' in page and LINE in page
    assert 'name="decision"' in page  # the decision form is there as for any visit
    assert "<h2>On site</h2>" in page and "<h2>Answers</h2>" not in page and "<h2>Sections</h2>" not in page


def test_approving_accepts_the_outcome_and_changes_no_score_but_lists_and_exports_it(client, session, closed):
    north = closed.regions["north"]
    before = scores.region_league(session, north, scores.make_scope(session))
    assert decide(client, closed.closed, "approve").status_code == 302
    session.expire_all()
    assert closed.closed.status is VisitStatus.APPROVED and closed.closed.score_percent is None
    after = scores.region_league(session, north, scores.make_scope(session))
    assert [(s.code, s.score, s.visits) for s in after.standings] == [
        (s.code, s.score, s.visits) for s in before.standings
    ]
    branch_page = client.get(f"/dashboard/branches/{closed.branches['n1'].id}").text
    assert LINE in branch_page
    export = client.get(f"/dashboard/regions/{north.id}/visits.csv").data.decode("utf-8-sig")
    [row] = [r for r in csv.DictReader(io.StringIO(export)) if r["visit_id"] == str(closed.closed.id)]
    assert (row["not_completed_reason"], row["not_completed_comment"], row["score_percent"]) == (
        "shop_closed",
        "Shutters down & no notice",
        "",
    )


def test_returning_it_reaches_the_shoppers_phone_with_its_outcome(client, session, closed):
    _, cursor = pull_all(client, closed.tokens["ann"])
    assert decide(client, closed.closed, "return", "Go again tomorrow").status_code == 302
    changes, _ = pull_all(client, closed.tokens["ann"], cursor)
    [visit] = [c for c in changes if c["entity"] == "visit"]
    assert (visit["data"]["status"], visit["data"]["outcome"]) == ("returned", CLOSED)


def test_its_visit_report_prints_the_outcome_line(client, closed):
    response = client.get(f"/reports/visits/{closed.closed.id}.pdf")
    assert response.status_code == 200
    text = "\n".join(pages(response.data))
    assert contains(text, "Could not complete: Shop closed — Shutters down & no notice")
    assert contains(text, "Not scored: the visit could not be completed.")
