"""Role x page x foreign object: admins and the region's manager see North's pages; another region's manager
gets 404, shoppers 403, and anonymous visitors are sent to the sign-in page."""

from __future__ import annotations

import pytest

from tests.server.auth_helpers import web_login

PAGES = ("dashboard", "branch", "visit", "photo", "csv", "branch_pdf", "visit_pdf", "region_pdf")
EXPECTED = {"admin": 200, "nora": 200, "sam": 404, "ann": 403}


def north_urls(world) -> dict[str, str]:
    """Every page and download about North's branch N-001 and its failed visit."""
    region, branch, visit = world.regions["north"], world.branches["n1"], world.failed
    return {
        "dashboard": f"/dashboard/?region={region.id}",
        "branch": f"/dashboard/branches/{branch.id}",
        "visit": f"/visits/{visit.id}",
        "photo": f"/visits/{visit.id}/photos/{visit.photos[0].id}",
        "csv": f"/dashboard/regions/{region.id}/visits.csv",
        "branch_pdf": f"/reports/branches/{branch.id}.pdf",
        "visit_pdf": f"/reports/visits/{visit.id}.pdf",
        "region_pdf": f"/reports/regions/{region.id}.pdf",
    }


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_gets_what_it_may_see_of_another_regions_pages_and_downloads(client, world, who):
    web_login(client, world.people[who].email)
    answers = {page: client.get(url).status_code for page, url in north_urls(world).items()}
    assert answers == dict.fromkeys(PAGES, EXPECTED[who])


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, world):
    for page, url in north_urls(world).items():
        response = client.get(url)
        assert response.status_code in (302, 401), page
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], page


def test_a_manager_guessing_ids_gets_404_not_500(client, world):
    web_login(client, world.people["nora"].email)
    for url in (
        "/visits/not-a-uuid",
        "/visits/00000000-0000-0000-0000-000000000000",
        f"/visits/{world.failed.id}/photos/not-a-uuid",
        f"/visits/{world.south.id}/photos/{world.failed.photos[0].id}",
        "/dashboard/branches/99999999999",
        "/dashboard/branches/0",
        "/dashboard/?region=abc",
        "/dashboard/regions/0/visits.csv",
    ):
        assert client.get(url).status_code == 404, url


def test_a_photo_of_a_visit_in_the_managers_region_cannot_be_fetched_through_a_foreign_visit(client, world):
    web_login(client, world.people["sam"].email)
    south_photo = world.south.photos[0].id
    assert client.get(f"/visits/{world.south.id}/photos/{south_photo}").status_code == 200
    assert client.get(f"/visits/{world.failed.id}/photos/{south_photo}").status_code == 404


@pytest.mark.parametrize("who,status", [("nora", 403), ("sam", 403), ("ann", 403), ("admin", 200)])
def test_the_review_queue_and_assignments_are_for_admins_only(client, world, who, status):
    web_login(client, world.people[who].email)
    for url in ("/review/", f"/review/visits/{world.failed.id}", "/assignments/"):
        assert client.get(url).status_code == status, url
