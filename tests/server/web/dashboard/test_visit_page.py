"""The visit page: header with critical failures first, sections, every answer with comments and photos,
position against the branch, time on site, and the review history."""

from __future__ import annotations

import re

import pytest

from server.services.visits.visit_page import haversine_m
from tests.server.auth_helpers import web_login
from tests.server.web.dashboard.world import PNG


def page_of(client, world, visit, who="nora", login=True):
    if login:
        web_login(client, world.people[who].email)
    response = client.get(f"/visits/{visit.id}")
    assert response.status_code == 200
    return response.text


def test_the_header_names_branch_shopper_date_status_score_and_the_zeroed_mark(client, world):
    page = page_of(client, world, world.failed)
    shopper = f'id="visit-shopper">Shopper {world.people["ann"].pseudonym}<'
    assert "Northgate Mall" in page and shopper in page and world.failed.finished_at.strftime("%Y-%m-%d") in page
    assert "Ann Shopper" not in page  # a manager sees the pseudonym (services.shopper_labels)
    assert 'id="visit-score">0.0&nbsp;%' in page and ">zeroed<" in page and ">approved<" in page


def test_critical_failures_come_before_the_answers(client, world):
    page = page_of(client, world, world.failed)
    failures = page.index('id="critical-failures"')
    assert failures < page.index("<h2>Answers</h2>")
    assert "Price matched?" in page[failures : page.index("<h2>Answers</h2>")]


def test_every_question_shows_its_answer_and_comment_escaped(client, world):
    page = page_of(client, world, world.failed)
    for text in ("Greeted on arrival?", "How clean?", "Price matched?", "Anything else?", "Nobody said hello"):
        assert text in page
    assert "=HYPERLINK(&#34;x&#34;) charged twice" in page or "=HYPERLINK(&quot;x&quot;) charged twice" in page


def test_photo_thumbnails_link_to_the_page_rendition_served_to_the_signed_in_manager_never_the_original(client, world):
    page = page_of(client, world, world.failed)
    [src] = set(re.findall(r'<img src="(/visits/[^"]+/photos/[^"]+)"', page))
    assert src.endswith("?size=thumb")
    full = src.removesuffix("?size=thumb")
    assert f'<a href="{full}"' in page and "/original" not in page  # the original is for admins only
    for url in (src, full):
        photo = client.get(url)
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data != PNG
        assert photo.data.startswith(b"\xff\xd8\xff") and photo.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(full + "/original").status_code in (403, 404)


def test_the_position_is_measured_against_the_branch_and_the_time_on_site_shown(client, world):
    page = page_of(client, world, world.failed)
    expected = haversine_m(
        world.failed.latitude, world.failed.longitude, world.branches["n1"].latitude, world.branches["n1"].longitude
    )
    assert f"{expected:,.0f} m from the branch" in page and "far from the branch" in page
    assert "38 min" in page
    near = page_of(client, world, world.good, login=False)
    assert "0 m from the branch" in near and "at the branch" in near


def test_haversine_gives_known_distances():
    assert haversine_m(51.5, -0.12, 51.5, -0.12) == 0
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)  # one degree of latitude
    assert haversine_m(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343_900, rel=5e-3)  # London-Paris


def test_the_review_history_names_who_decided_and_when(client, world):
    page = page_of(client, world, world.failed)
    history = page[page.index("<h2>History</h2>") :]
    assert "Submitted revision 1" in history and f"by Shopper {world.people['ann'].pseudonym}" in history
    assert "Approved" in history and "by Ada Admin" in history
    assert world.failed.reviewed_at.strftime("%Y-%m-%d %H:%M") in history


def test_the_visit_page_links_the_visit_pdf(client, world):
    page = page_of(client, world, world.failed)
    assert f'href="/reports/visits/{world.failed.id}.pdf"' in page
    assert client.get(f"/reports/visits/{world.failed.id}.pdf").data.startswith(b"%PDF")
