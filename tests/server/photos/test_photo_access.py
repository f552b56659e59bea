"""Who may upload, check and read a visit's photos: the shopper uploads; viewers read; everyone else gets 404."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

from server.models import ApiToken
from server.models.types import utcnow
from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import bearer
from tests.server.photos.factories import make_photo_visit, put


def token_for(session, user) -> dict:
    plaintext = issue_token(session, user, "Phone")[1]
    session.commit()
    return bearer(plaintext)


def test_another_shoppers_visit_and_photos_answer_404_to_every_method(client, session, make, visit):
    stranger = make_photo_visit(make, session)  # a shopper with a visit of their own
    photo = visit.photos[0]
    for method in ("put", "get", "head"):
        response = getattr(client, method)(visit.url(photo), headers=stranger.headers, data=photo.content)
        assert response.status_code == 404, method
    assert client.get(visit.url(photo, "/content"), headers=stranger.headers).status_code == 404
    put(client, visit, photo)
    assert client.get(visit.url(photo, "/content"), headers=stranger.headers).status_code == 404
    assert put(client, stranger, photo).status_code == 404  # own token, someone else's photo under one's own URL


def test_a_photo_id_from_another_visit_is_not_found_under_this_visit(client, session, make, visit):
    other = make_photo_visit(make, session, shopper=visit.shopper)
    foreign = other.photos[0]
    assert (
        client.put(
            visit.url(foreign), data=foreign.content, headers={**visit.headers, "Content-Type": foreign.content_type}
        ).status_code
        == 404
    )
    assert client.get(visit.url(foreign), headers=visit.headers).status_code == 404


@pytest.mark.parametrize(
    "visit_part,photo_part",
    [
        ("unknown", "known"),
        ("known", "unknown"),
        ("not-a-uuid", "known"),
        ("known", "not-a-uuid"),
        ("known", "..%2F..%2Fetc%2Fpasswd"),
        ("known", "1"),
        ("known", "00000000-0000-0000-0000-00000000000g"),
    ],
)
def test_unknown_and_malformed_ids_answer_404(client, visit, visit_part, photo_part):
    photo = visit.photos[0]
    vid = {"known": visit.id, "unknown": str(uuid.uuid4())}.get(visit_part, visit_part)
    pid = {"known": photo.id, "unknown": str(uuid.uuid4())}.get(photo_part, photo_part)
    url = f"/api/v1/visits/{vid}/photos/{pid}"
    for response in (
        client.put(url, data=photo.content, headers=visit.headers),
        client.get(url, headers=visit.headers),
        client.get(url + "/content", headers=visit.headers),
    ):
        assert response.status_code == 404
        assert response.json["status"] == 404


def test_without_a_token_or_with_an_expired_one_the_answer_is_401(client, session, visit):
    photo = visit.photos[0]
    assert client.put(visit.url(photo), data=photo.content).status_code == 401
    token = session.query(ApiToken).filter_by(user_id=visit.shopper.id).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = put(client, visit, photo)
    assert response.status_code == 401 and response.json["reason"] == "token_expired"
    assert client.head(visit.url(photo), headers=visit.headers).status_code == 401


def test_admins_and_the_regions_managers_see_progress_and_content_but_do_not_upload(client, session, make):
    north, south = make.region("North"), make.region("South")
    visit = make_photo_visit(make, session, branch=make.branch(north))
    photo = visit.photos[0]
    admin = token_for(session, make.user("admin"))
    manager = token_for(session, make.user("manager", regions=[north]))
    elsewhere = token_for(session, make.user("manager", regions=[south]))
    for headers in (admin, manager):
        assert client.get(visit.url(photo), headers=headers).json["received_bytes"] == 0
        refused = client.put(visit.url(photo), data=photo.content, headers={**headers, "Content-Type": "image/png"})
        assert refused.status_code == 403
    assert client.get(visit.url(photo), headers=elsewhere).status_code == 404
    put(client, visit, photo)
    for headers in (admin, manager, visit.headers):
        content = client.get(visit.url(photo, "/content"), headers=headers)
        assert content.status_code == 200 and content.data == photo.content
    assert client.get(visit.url(photo, "/content"), headers=elsewhere).status_code == 404


def test_the_content_endpoint_serves_the_exact_bytes_with_type_etag_and_ranges(client, visit):
    photo = visit.photos[1]
    assert client.get(visit.url(photo, "/content"), headers=visit.headers).status_code == 404  # not arrived yet
    put(client, visit, photo)
    response = client.get(visit.url(photo, "/content"), headers=visit.headers)
    assert response.status_code == 200 and response.data == photo.content
    assert response.mimetype == "image/jpeg" and response.content_length == len(photo.content)
    sha = hashlib.sha256(photo.content).hexdigest()
    assert response.get_etag() == (sha, False)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    again = client.get(visit.url(photo, "/content"), headers={**visit.headers, "If-None-Match": f'"{sha}"'})
    assert again.status_code == 304
    part = client.get(visit.url(photo, "/content"), headers={**visit.headers, "Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == photo.content[:10]


def test_the_endpoints_are_in_the_openapi_document_with_a_binary_body(client):
    spec = client.get("/api/v1/openapi.json").json
    upload = spec["paths"]["/api/v1/visits/{visit_id}/photos/{photo_id}"]
    assert {"put", "get", "head"} <= set(upload)
    assert upload["put"]["requestBody"]["content"]["application/octet-stream"]["schema"]["format"] == "binary"
    assert "201" in upload["put"]["responses"] and "409" in upload["put"]["responses"]
    assert "get" in spec["paths"]["/api/v1/visits/{visit_id}/photos/{photo_id}/content"]
