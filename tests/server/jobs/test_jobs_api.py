"""/api/v1/jobs: a region report built in the background, its progress, its result, who may see it, bad requests."""

from __future__ import annotations

import io
import zipfile

import pypdf
import pytest

from server.models import Job, JobStatus
from server.services.jobs.records import start_job
from server.services.jobs.report_jobs import REGION_REPORT
from tests.server.scores.world import query

MANAGER = "manager of the region"


def start(client, api, actor=MANAGER, **body):
    payload = {"kind": "region_report", "region_id": api.region.id, **query(), **body}
    return client.post("/api/v1/jobs", json=payload, headers=api.headers[actor])


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_region_report_job_runs_in_the_background_and_its_result_is_the_pdf(client, api, drain):
    response = start(client, api)
    assert response.status_code == 202, response.text
    job = response.get_json()
    assert job["status"] in ("queued", "running", "done") and response.headers["Location"].endswith(job["id"])
    drain()
    done = client.get(f"/api/v1/jobs/{job['id']}", headers=api.headers[MANAGER]).get_json()
    assert done["status"] == "done" and done["percent"] == 100 and done["attempts"] == 1, done
    assert done["result"]["filename"] == f"region-{api.region.code}-2026-03-01-2026-03-31.pdf"
    pdf = client.get(done["result"]["url"], headers=api.headers[MANAGER])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert len(pdf.data) == done["result"]["size"]
    assert "55.3%" in pdf_text(pdf.data)  # the league the scores API computes for this world


def test_the_same_request_while_its_job_is_still_queued_joins_it(client, session, api):
    params = {"region_id": api.region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}
    waiting, _ = start_job(session, REGION_REPORT, params, api.users[MANAGER], "no worker has taken it yet")
    again = start(client, api)
    assert again.status_code == 200 and again.get_json()["id"] == str(waiting.id)
    assert session.query(Job).count() == 1


def test_the_same_report_for_another_person_or_period_is_a_job_of_its_own(client, session, api, drain):
    ids = {
        start(client, api).get_json()["id"],
        start(client, api, actor="admin").get_json()["id"],
        start(client, api, **{"from": "2026-03-02"}).get_json()["id"],
    }
    drain()
    assert len(ids) == 3


def test_the_all_regions_report_is_a_zip_of_the_regions_the_caller_may_see(client, api, drain):
    admin = client.post("/api/v1/jobs", json={"kind": "all_regions_report", **query()}, headers=api.headers["admin"])
    manager = client.post("/api/v1/jobs", json={"kind": "all_regions_report", **query()}, headers=api.headers[MANAGER])
    assert admin.status_code == manager.status_code == 202
    drain()
    names = {}
    for who, response in (("admin", admin), (MANAGER, manager)):
        job = client.get(f"/api/v1/jobs/{response.get_json()['id']}", headers=api.headers[who]).get_json()
        assert job["status"] == "done", job
        archive = zipfile.ZipFile(io.BytesIO(client.get(job["result"]["url"], headers=api.headers[who]).data))
        names[who] = sorted(archive.namelist())
        assert all(archive.read(name).startswith(b"%PDF") for name in names[who])
    assert names["admin"] == sorted(
        f"region-{r.code}-2026-03-01-2026-03-31.pdf" for r in (api.region, api.other_region)
    )
    assert names[MANAGER] == [f"region-{api.region.code}-2026-03-01-2026-03-31.pdf"]


def test_a_job_and_its_result_are_for_the_person_who_started_it_and_admins_only(client, api, drain):
    job = start(client, api).get_json()
    drain()
    for actor, status in (("admin", 200), (MANAGER, 200), ("manager of another region", 404), ("shopper", 404)):
        assert client.get(f"/api/v1/jobs/{job['id']}", headers=api.headers[actor]).status_code == status, actor
        assert client.get(f"/api/v1/jobs/{job['id']}/result", headers=api.headers[actor]).status_code == status, actor
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 401
    listed = client.get("/api/v1/jobs", headers=api.headers["manager of another region"]).get_json()
    assert listed == []
    assert [j["id"] for j in client.get("/api/v1/jobs", headers=api.headers["admin"]).get_json()] == [job["id"]]


@pytest.mark.parametrize(
    ("actor", "body", "status"),
    [
        ("manager of another region", {}, 404),  # a region that is not theirs: as if it did not exist
        ("shopper", {}, 403),
        ("anonymous", {}, 401),
        (MANAGER, {"region_id": 999_999}, 404),
    ],
)
def test_starting_a_report_on_a_region_you_may_not_see_is_refused(client, session, api, actor, body, status):
    assert start(client, api, actor=actor, **body).status_code == status
    assert session.query(Job).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "region_report"}, "region_id"),
        ({"kind": "explode_server"}, "kind"),
        ({"kind": "all_regions_report", "region_id": 1}, "region_id"),
        ({"kind": "region_report", "region_id": 1, "from": "2026-04-01", "to": "2026-03-01"}, "from"),
        ({"kind": "region_report", "region_id": "one"}, "region_id"),
    ],
)
def test_a_bad_job_request_names_the_field_and_starts_nothing(client, session, api, body, field):
    response = client.post("/api/v1/jobs", json=body, headers=api.headers["admin"])
    assert response.status_code == 422, response.text
    assert field in str(response.get_json()["errors"]), response.get_json()
    assert session.query(Job).count() == 0


def test_a_job_id_that_is_not_a_uuid_is_a_404(client, api):
    assert client.get("/api/v1/jobs/not-a-uuid", headers=api.headers["admin"]).status_code == 404
    assert client.get("/api/v1/jobs/../../etc/passwd/result", headers=api.headers["admin"]).status_code == 404


def test_the_result_of_a_job_that_is_not_done_is_a_404(client, session, api):
    params = {"region_id": api.region.id, "from": "2026-03-01", "to": "2026-03-31", "template_id": None}
    waiting, _ = start_job(session, REGION_REPORT, params, api.users[MANAGER], "still queued")
    assert waiting.status is JobStatus.QUEUED
    assert client.get(f"/api/v1/jobs/{waiting.id}/result", headers=api.headers[MANAGER]).status_code == 404
