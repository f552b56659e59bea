"""Mystery-shop confidentiality: a manager meets shoppers only as their pseudonyms on every surface they can open.

Every GET route of the app is opened as the viewer (web pages with the session, /api with a bearer token);
whatever answers 200 (HTML, JSON, CSV, each PDF read back with pypdf) is searched for shopper names and
e-mail addresses. A new page or endpoint is crawled too, without changing this test.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from server.services.org.settings import save_settings
from tests.server.auth_helpers import bearer, new_client, web_login
from tests.server.sync.helpers import token_for

SHOPPERS = ("ann", "bob")
LISTS_SHOPPERS = {
    "dashboard.branch",
    "visit_pages.show",
    "dashboard.region_csv",
    "report_downloads.visit_report",
    "report_downloads.branch_report",
    "reports.visit_report",
    "reports.branch_report",
}
"""The surfaces that name the shopper of a visit: there the viewer must see the pseudonym (or the name)."""

MANAGER_SURFACES = LISTS_SHOPPERS | {
    "web.home",
    "dashboard.index",
    "report_downloads.region_report",
    "reports.region_report",
    "scores.regions",
    "scores.league",
    "scores.region_trend",
    "scores.branch_trend",
    "scores.branch_sections",
    "scores.branch_questions",
    "scores.branch_critical_failures",
    "visits.get_visit",
    "account.me",
    "sync.changes",
    "jobs.list_jobs",
    "jobs.get_job",
    "jobs.job_result",
    "job_pages.index",
    "job_pages.job",
    "job_pages.job_json",
    "job_pages.result",
}
"""What a manager of the north region can open (the crawl must reach each of them)."""


def _text(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def crawl(app, world, viewer) -> dict[str, str]:
    """endpoint -> text of every GET route that answers the viewer 200 (images and static files left out)."""
    person = world.people[viewer]
    browser = new_client(app)
    web_login(browser, person.email)
    headers = bearer(token_for(world.session, person))
    photo = world.failed.photos[0]
    job = new_client(app).post(  # a region report of the viewer's, built by the embedded queue, for the job pages
        "/api/v1/jobs", json={"kind": "region_report", "region_id": world.regions["north"].id}, headers=headers
    )
    assert job.status_code in (200, 202), job.text
    assert app.extensions["job_queue"].wait_idle(60)
    values = {
        "region_id": world.regions["north"].id,
        "branch_id": world.branches["n1"].id,
        "visit_id": str(world.failed.id),
        "photo_id": str(photo.id),
        "user_id": world.people["ann"].id,
        "template_id": world.template.id,
        "version_id": world.template.latest_published().id,
        "key": "greeted",
        "section_key": "front",
        "job_id": job.get_json()["id"],
        "endpoint_id": 1,  # a webhook endpoint (none exists: admin-only pages that name no shopper)
        "token": "no-such-link",  # a password link: the page says the link does not work, and names nobody
        "action_id": 1,
        "evidence_id": 1,
        "size": "thumb",
    }
    seen = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: give this test a value for {unknown}"
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(\w+:)?{name}>", str(values[name]), url)
        query = {"region": world.regions["north"].id} if rule.endpoint == "dashboard.index" else {}
        client_headers = headers if url.startswith("/api/") else {}
        response = (new_client(app) if url.startswith("/api/") else browser).get(
            url, query_string=query, headers=client_headers
        )
        if response.status_code == 200 and not response.mimetype.startswith("image/"):
            seen[rule.endpoint] = _text(response)
    return seen


def identities(world, key: str) -> list[str]:
    """What must not leak about a shopper: the full name, the first name alone, the e-mail address."""
    person = world.people[key]
    return [person.name, person.name.split()[0], person.email]


def leaks(text: str, world) -> list[str]:
    return [
        word
        for key in SHOPPERS
        for word in identities(world, key)
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    ]


def test_a_manager_sees_no_shopper_name_or_email_anywhere_only_the_stable_pseudonym(app, world):
    seen = crawl(app, world, "nora")
    assert set(seen) >= MANAGER_SURFACES, MANAGER_SURFACES - set(seen)
    for endpoint, text in seen.items():
        assert leaks(text, world) == [], endpoint
    pseudonym = f"Shopper {world.people['ann'].pseudonym}"
    for endpoint in LISTS_SHOPPERS:
        assert pseudonym in seen[endpoint], endpoint


def test_the_pseudonym_is_the_same_on_every_surface_and_in_a_later_session(app, world):
    first, later = crawl(app, world, "nora"), crawl(app, world, "nora")
    ann, bob = (f"Shopper {world.people[key].pseudonym}" for key in SHOPPERS)
    labels = {endpoint: set(re.findall(r"Shopper \d+", text)) for endpoint, text in first.items()}
    for endpoint in LISTS_SHOPPERS:
        assert ann in labels[endpoint] and labels[endpoint] <= {ann, bob}, endpoint
    assert labels["dashboard.region_csv"] == {ann, bob}  # north: N-001 visited by ann, N-002 by bob
    assert {endpoint: set(re.findall(r"Shopper \d+", text)) for endpoint, text in later.items()} == labels


def test_with_the_setting_off_managers_see_names_on_the_surfaces_that_list_shoppers(app, world, session):
    save_settings(session, world.people["admin"], {"shopper_pseudonyms": False})
    session.commit()
    seen = crawl(app, world, "nora")
    for endpoint in LISTS_SHOPPERS:
        assert "Ann Shopper" in seen[endpoint], endpoint
        assert f"Shopper {world.people['ann'].pseudonym}" not in seen[endpoint], endpoint


def test_admins_always_see_names(app, world):
    seen = crawl(app, world, "admin")
    for endpoint in LISTS_SHOPPERS:
        assert "Ann Shopper" in seen[endpoint], endpoint
        assert f"Shopper {world.people['ann'].pseudonym}" not in seen[endpoint], endpoint


@pytest.mark.parametrize("pseudonyms", [True, False])
def test_the_csv_export_has_one_shopper_column_labelled_as_the_setting_says(app, world, session, pseudonyms):
    save_settings(session, world.people["admin"], {"shopper_pseudonyms": pseudonyms})
    session.commit()
    browser = new_client(app)
    web_login(browser, world.people["nora"].email)
    lines = browser.get(f"/dashboard/regions/{world.regions['north'].id}/visits.csv").text.splitlines()
    column = lines[0].split(",").index("shopper")
    shoppers = {line.split(",")[column] for line in lines[1:]}
    ann, bob = world.people["ann"], world.people["bob"]
    assert shoppers == (
        {f"Shopper {ann.pseudonym}", f"Shopper {bob.pseudonym}"} if pseudonyms else {"Ann Shopper", "Bob Shopper"}
    )


def test_an_admin_can_match_a_pseudonym_to_the_person_on_the_user_page(app, world):
    browser = new_client(app)
    web_login(browser, world.people["admin"].email)
    ann = world.people["ann"]
    page = browser.get(f"/admin/users/{ann.id}").text
    assert "Ann Shopper" in page and f'id="pseudonym">Shopper {ann.pseudonym}<' in page
