"""The region report from the dashboard is a job: a button starts it, its page shows a progress bar, then the download."""

from __future__ import annotations

import re

from server.models import Job
from tests.server.auth_helpers import csrf_token, new_client, web_login


def start_from_dashboard(client, world, **overrides):
    page = client.get("/dashboard/", query_string={"region": world.regions["north"].id}).text
    form = {
        "csrf_token": csrf_token(page),
        "kind": "region_report",
        "region_id": str(world.regions["north"].id),
        "from": re.search(r'name="from" value="([\d-]+)"', page).group(1),
        "to": re.search(r'name="to" value="([\d-]+)"', page).group(1),
        **overrides,
    }
    return client.post("/jobs/reports", data=form)


def test_the_dashboard_button_starts_the_report_and_its_page_offers_the_download_when_done(app, client, world):
    web_login(client, world.people["nora"].email)
    started = start_from_dashboard(client, world)
    assert started.status_code == 302 and started.headers["Location"].startswith("/jobs/")
    page = client.get(started.headers["Location"]).text
    assert '<progress id="job-progress" class="job-bar" max="100"' in page and "js/jobs.js" in page
    assert app.extensions["job_queue"].wait_idle(60)
    done = client.get(started.headers["Location"]).text
    assert (
        'value="100"' in done and f"Download region-{world.regions['north'].code}-" in done and "<noscript>" not in done
    )
    link = re.search(r'href="(/jobs/[0-9a-f-]+/result)"', done).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "done" and state["percent"] == 100 and state["result"]["url"] == link
    assert f"region-{world.regions['north'].code}-" in client.get("/jobs/").text


def test_a_queued_job_page_refreshes_itself_without_javascript(client, session, world):
    web_login(client, world.people["nora"].email)
    app_queue = client.application.extensions["job_queue"]
    app_queue.submit = lambda job_id, timeout: None  # the queue is busy: the job waits
    started = start_from_dashboard(client, world)
    page = client.get(started.headers["Location"]).text
    assert (
        '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page and "Waiting for a free worker" in page
    )
    again = start_from_dashboard(client, world)
    assert again.headers["Location"] == started.headers["Location"]
    assert "already being built" in client.get(again.headers["Location"]).text
    assert session.query(Job).count() == 1


def test_starting_a_report_needs_the_forms_csrf_token(client, session, world):
    web_login(client, world.people["nora"].email)
    assert start_from_dashboard(client, world, csrf_token="forged").status_code == 400
    assert session.query(Job).count() == 0


def test_a_form_without_its_region_says_so_and_starts_nothing(client, session, world):
    web_login(client, world.people["nora"].email)
    response = start_from_dashboard(client, world, region_id="")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    assert "region_id" in client.get("/dashboard/").text
    assert session.query(Job).count() == 0


def test_another_manager_cannot_start_open_or_download_it(app, client, world):
    web_login(client, world.people["nora"].email)
    started = start_from_dashboard(client, world)
    assert app.extensions["job_queue"].wait_idle(60)
    job_url = started.headers["Location"]
    other = new_client(app)
    web_login(other, world.people["sam"].email)
    for url in (job_url, job_url + ".json", job_url + "/result"):
        assert other.get(url).status_code == 404, url
    assert "North" not in other.get("/jobs/").text
    page = other.get("/dashboard/").text  # north is not Sam's region: a forged form for it is a 404
    form = {"csrf_token": csrf_token(page), "kind": "region_report", "region_id": str(world.regions["north"].id)}
    assert other.post("/jobs/reports", data=form).status_code == 404
