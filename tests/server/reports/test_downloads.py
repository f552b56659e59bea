"""PDF downloads: the right people get a real PDF that prints the services' numbers; everyone else gets nothing."""

from __future__ import annotations

import copy
import hashlib
import io
import uuid

import pypdf
import pytest

from reports import fmt
from server.demo.images import storefront_png
from server.models.types import utcnow
from server.services.scores import make_scope, region_league
from server.storage import current_storage, photo_key
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import new_client, web_login
from tests.server.scores.api_world import build, recorded_visit
from tests.server.scores.world import MARCH, ScoreWorld, query


@pytest.fixture
def api(session, make):
    return build(session, make)


def pdf_text(response) -> str:
    """Every page's text, one string, with line breaks flattened."""
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_the_region_report_prints_the_league_the_service_computes(client, session, api):
    response = client.get(
        f"/api/v1/reports/regions/{api.region.id}.pdf",
        query_string=query(),
        headers=api.headers["manager of the region"],
    )
    text = pdf_text(response)
    assert f"region-{api.region.code}-2026-03-01-2026-03-31.pdf" in response.headers["Content-Disposition"]
    league = region_league(session, api.region, make_scope(session, *MARCH))
    assert fmt.pct(league.score) in text  # 55.3%
    for row in league.standings:
        assert row.code in text and fmt.pct(row.score) in text
    a, b, _ = league.standings
    assert fmt.interval(a.ci_low, a.ci_high) in text and fmt.interval(b.ci_low, b.ci_high) in text
    assert "≈2" in text  # B's rank is uncertain


def test_the_branch_report_prints_its_score_interval_rank_and_region(client, api):
    text = pdf_text(
        client.get(f"/api/v1/reports/branches/{api.branch.id}.pdf", query_string=query(), headers=api.headers["admin"])
    )
    for expected in ("94.0%", "90.1–97.9", "1 of 3", "55.3%", "Front of house", "2026-03-01 to 2026-03-31"):
        assert expected in text, expected


def test_the_visit_report_prints_the_score_failures_and_comments_literally(client, api):
    response = client.get(f"/api/v1/reports/visits/{api.visit.id}.pdf", headers=api.headers["manager of the region"])
    text = pdf_text(response)
    assert "0.0%" in text and "Price matched?" in text and "Shelf 2.49, till 2.99" in text
    assert "Très bien & <b>vite</b>" in text  # user text is escaped, never markup


def test_the_visit_report_embeds_the_photos_from_storage(client, session, make, api):
    definition = copy.deepcopy(SMALL_CHECKLIST)
    definition["sections"][0]["questions"].append({"key": "front_photo", "text": "Photo of the front", "type": "photo"})
    world = ScoreWorld(make, session)
    world.template = make.template(definition)
    world.version = world.template.versions[0]
    image = storefront_png((150, 90, 60), (20, 30, 40))
    entry = {
        "id": str(uuid.uuid4()),
        "question": "front_photo",
        "sha256": hashlib.sha256(image).hexdigest(),
        "size": len(image),
        "content_type": "image/png",
    }
    visit = recorded_visit(session, make, world, api.branch, photos=[entry])
    key = photo_key(visit.id, entry["id"])
    storage = current_storage()
    storage.write_chunk(key, io.BytesIO(image), 0)
    storage.finalise(key)
    photo = visit.photos[0]
    photo.storage_key, photo.received_bytes, photo.completed_at = key, len(image), utcnow()
    session.commit()
    response = client.get(f"/api/v1/reports/visits/{visit.id}.pdf", headers=api.headers["admin"])
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert sum(len(page.images) for page in reader.pages) == 1


def test_reports_of_an_empty_period_say_so(client, api):
    empty = {"from": "2020-01-01", "to": "2020-01-31"}
    for url, says in (
        (f"/api/v1/reports/branches/{api.branch.id}.pdf", "No visits in this period."),
        (f"/api/v1/reports/regions/{api.region.id}.pdf", "no branch has a scored visit"),
    ):
        text = pdf_text(client.get(url, query_string=empty, headers=api.headers["admin"]))
        assert says in text, url


def test_signed_in_browsers_download_the_same_reports_under_reports(app, make, api):
    manager = make.user("manager", regions=[api.region])
    browser = new_client(app)
    assert web_login(browser, manager.email).status_code == 302
    text = pdf_text(browser.get(f"/reports/branches/{api.branch.id}.pdf", query_string=query()))
    assert "94.0%" in text
    assert browser.get(f"/reports/visits/{api.visit.id}.pdf").status_code == 200
    assert browser.get(f"/reports/regions/{api.other_region.id}.pdf").status_code == 404
    assert browser.get(f"/reports/regions/{api.region.id}.pdf", query_string={"from": "nope"}).status_code == 422
    # the API never trusts the session cookie: bearer tokens only
    assert browser.get(f"/api/v1/reports/regions/{api.region.id}.pdf").status_code == 401


def test_browsers_that_are_not_signed_in_or_are_shoppers_get_no_report(app, make, api):
    anonymous = new_client(app)
    response = anonymous.get(f"/reports/regions/{api.region.id}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    shopper = new_client(app)
    web_login(shopper, api.visit.shopper.email)
    assert shopper.get(f"/reports/visits/{api.visit.id}.pdf").status_code == 403
