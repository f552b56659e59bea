"""Only admins reach the organisation and activity pages; everyone else is sent away, and unknown ids are 404."""

from __future__ import annotations

import pytest

from tests.server.auth_helpers import new_client
from tests.server.web.org.conftest import sign_in_as

GETS = [
    "/admin/regions",
    "/admin/regions/new",
    "/admin/regions/{region}/edit",
    "/admin/regions/{region}/branches",
    "/admin/regions/{region}/branches/new",
    "/admin/branches/{branch}/edit",
    "/admin/regions/{region}/branches/import",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/activity",
    "/admin/settings",
    "/admin/mail",
]
POSTS = [
    "/admin/regions/new",
    "/admin/regions/{region}/edit",
    "/admin/regions/{region}/active",
    "/admin/regions/{region}/branches/new",
    "/admin/branches/{branch}/edit",
    "/admin/branches/{branch}/active",
    "/admin/regions/{region}/branches/import",
    "/admin/regions/{region}/branches/import/confirm",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/users/{user}/active",
    "/admin/users/{user}/password",
    "/admin/users/{user}/tokens/1/revoke",
    "/admin/users/{user}/mfa/reset",
    "/admin/users/{user}/invitation",
    "/admin/users/{user}/reset-link",
    "/admin/users/{user}/enrolment",
    "/admin/settings",
    "/admin/mail/1/send-again",
]


@pytest.fixture
def ids(make):
    region = make.region()
    branch = make.branch(region)
    return {"region": region.id, "branch": branch.id, "user": make.user("shopper").id}


def test_every_admin_route_is_covered_by_these_tests(app):
    rules = {
        (r.rule, m)
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith(("org.", "activity."))
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(u, "GET") for u in GETS} | {(u, "POST") for u in POSTS}
    normalise = {
        "{region}": "<int:region_id>",
        "{branch}": "<int:branch_id>",
        "{user}": "<int:user_id>",
        "tokens/1/": "tokens/<int:token_id>/",
        "mail/1/": "mail/<int:message_id>/",
    }

    def as_rule(url):
        for a, b in normalise.items():
            url = url.replace(a, b)
        return url

    assert rules == {(as_rule(u), m) for u, m in listed}


@pytest.mark.parametrize("role", ["manager", "shopper"])
def test_managers_and_shoppers_get_403_from_every_admin_page_and_form(client, make, ids, role):
    browser = sign_in_as(client, make.user(role, regions=[make.region()] if role == "manager" else []))
    for url in GETS:
        assert browser.get(url.format(**ids)).status_code == 403, url
    for url in POSTS:
        assert browser.post(url.format(**ids), {"code": "X1", "name": "Nope", "active": "0"}).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_sign_in_page(app, ids):
    anonymous = new_client(app)
    for url in GETS:
        response = anonymous.get(url.format(**ids))
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(as_admin, make, ids, session):
    from server.models import Region

    response = as_admin.client.post(f"/admin/regions/{ids['region']}/edit", data={"code": "HACK", "name": "Hacked"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Region, ids["region"]).code != "HACK"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/regions/999999/edit",
        "/admin/regions/999999/branches",
        "/admin/branches/999999/edit",
        "/admin/users/999999",
        "/admin/regions/99999999999/branches",
        "/admin/regions/999999/branches/import",
    ],
)
def test_unknown_ids_answer_404(as_admin, url):
    assert as_admin.get(url).status_code == 404


def test_unknown_ids_in_forms_answer_404(as_admin, ids):
    for url in [
        "/admin/regions/999999/active",
        "/admin/branches/999999/active",
        "/admin/users/999999/active",
        "/admin/users/999999/password",
        f"/admin/users/{ids['user']}/tokens/999999/revoke",
    ]:
        assert as_admin.post(url, {"active": "0"}).status_code == 404, url


def test_the_top_bar_links_the_admin_pages_for_admins_only(client, make, as_admin):
    page = as_admin.get("/").text
    assert 'href="/admin/regions"' in page and 'href="/admin/users"' in page and 'href="/admin/activity"' in page
    manager_page = sign_in_as(new_client(client.application), make.user("manager")).get("/").text
    assert "/admin/regions" not in manager_page


def test_the_top_bar_marks_regions_or_users_as_current_but_never_both(as_admin, make):
    region = make.region()
    for url, here in [
        ("/admin/regions", "Regions"),
        (f"/admin/regions/{region.id}/branches", "Regions"),
        ("/admin/users", "Users"),
        ("/admin/users/new", "Users"),
        ("/admin/activity", "Activity"),
    ]:
        page = as_admin.get(url).text
        current = [label for label in ("Regions", "Users", "Activity") if f'aria-current="page">{label}<' in page]
        assert current == [here], url
