"""A photo's capture time and position (visit format 2): stored, in the API record, under the photo on the visit
page and in the visit PDF; format 1 photos show nothing of the kind."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf

from server.services.geo import haversine_m
from tests.server.auth_helpers import bearer, web_login
from tests.server.web.dashboard.world import PNG, build


def capture_of(branch, *, north_m: float = 0.0, accuracy_m: float | None = 8.0) -> dict:
    """Capture fields as a phone sends them: 14:32 UTC, ``north_m`` metres north of the branch."""
    return {
        "taken_at": "2026-11-20T15:32:10+01:00",
        "location": {"lat": branch.latitude + north_m / 111_195, "lon": branch.longitude, "accuracy_m": accuracy_m},
    }


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.split())  # the caption wraps under a thumbnail


def test_the_capture_time_and_position_are_stored_and_in_the_api_record(make, session, client):
    world = build(make, session, client)
    branch = world.branches["n1"]
    visit = world.visit("n1", photo=PNG, capture=capture_of(branch, north_m=12), approve=False)
    [photo] = visit.photos
    assert photo.taken_at == datetime(2026, 11, 20, 14, 32, 10, tzinfo=UTC)
    assert (photo.latitude, photo.longitude, photo.accuracy_m) == (
        branch.latitude + 12 / 111_195,
        branch.longitude,
        8.0,
    )
    record = client.get(f"/api/v1/visits/{visit.id}", headers=bearer(world.tokens["ann"])).get_json()
    assert record["photos"] == [
        {
            "id": str(photo.id),
            "question": "front_photo",
            "complete": True,
            "taken_at": "2026-11-20T14:32:10+00:00",
            "location": {"lat": photo.latitude, "lon": photo.longitude, "accuracy_m": 8.0},
        }
    ]


def test_the_visit_page_and_pdf_say_when_and_how_far_from_the_branch_each_photo_was_taken(make, session, client):
    world = build(make, session, client)
    branch = world.branches["n1"]
    visit = world.visit("n1", photo=PNG, capture=capture_of(branch, north_m=12))
    metres = haversine_m(visit.photos[0].latitude, branch.longitude, branch.latitude, branch.longitude)
    assert round(metres) == 12
    web_login(client, world.people["nora"].email)
    page = client.get(f"/visits/{visit.id}").text
    assert '<span class="muted small photo-capture">Taken 14:32 UTC, 12 m from the branch (±8 m)</span>' in page
    text = pdf_text(client.get(f"/reports/visits/{visit.id}.pdf"))
    assert "Taken 14:32 UTC, 12 m from the branch (±8 m)" in text


def test_a_photo_without_capture_fields_shows_none_and_a_branch_without_position_shows_coordinates(
    make, session, client
):
    world = build(make, session, client)
    plain = world.visit("n1", photo=PNG)
    assert (plain.photos[0].taken_at, plain.photos[0].latitude) == (None, None)
    branch = world.branches["n2"]
    located = world.visit("n2", photo=PNG, capture=capture_of(branch, accuracy_m=None), shopper="bob")
    branch.latitude = branch.longitude = None
    session.commit()
    web_login(client, world.people["nora"].email)
    assert "photo-capture" not in client.get(f"/visits/{plain.id}").text
    page = client.get(f"/visits/{located.id}").text
    lat, lon = located.photos[0].latitude, located.photos[0].longitude
    assert f'photo-capture">Taken 14:32 UTC, at {lat:.5f}, {lon:.5f}</span>' in page
