"""Uploading and serving photos with PHOTO_STORAGE=s3, through the API, against a real S3 endpoint (moto's server)."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

from server.models import Photo
from server.storage import current_storage, photo_key
from server.storage.s3 import S3Storage
from tests.clients import new_client
from tests.server.auth_helpers import web_login
from tests.server.photos.factories import big_png, image_bytes, make_photo_visit, put


@pytest.fixture
def app_config(app_config, s3_endpoint, s3_bucket):
    """The usual test app, its photos in a fresh bucket under a prefix."""
    return {**app_config, **s3_endpoint.config(s3_bucket, S3_PREFIX="inst")}


def fresh(session, key) -> Photo:
    session.expire_all()
    return session.get(Photo, uuid.UUID(str(key)))


def test_a_resumable_upload_to_s3_is_checked_rendered_stored_whole_and_served(
    app, client, session, make, s3_endpoint, s3_bucket
):
    assert isinstance(current_storage(), S3Storage)
    content = image_bytes("JPEG", (2400, 1800), quality=100)
    visit = make_photo_visit(make, session, [("storefront", content, "image/jpeg")])
    photo = visit.photos[0]
    key = photo_key(visit.id, photo.id)
    cuts = [0, len(content) // 3, 2 * len(content) // 3, len(content)]
    for start, end in zip(cuts[:-1], cuts[1:-1]):
        answer = put(client, visit, photo, content[start:end], start=start)
        assert answer.status_code == 200 and answer.json["received_bytes"] == end
    assert s3_endpoint.keys(s3_bucket, "inst/partial/") == [
        f"inst/partial/{key}/{cuts[0]:020d}",
        f"inst/partial/{key}/{cuts[1]:020d}",
    ]
    head = client.head(visit.url(photo), headers=visit.headers)
    assert head.headers["Upload-Offset"] == str(cuts[2])
    last = put(client, visit, photo, content[cuts[2] :], start=cuts[2])
    assert last.status_code == 201 and last.json["visit_status"] == "submitted"

    assert s3_endpoint.keys(s3_bucket) == [f"inst/photos/{key}", f"inst/photos/{key}~page", f"inst/photos/{key}~thumb"]
    row = fresh(session, photo.id)
    assert (row.width, row.height) == (2400, 1800) and row.page_key == f"{key}~page"

    served = client.get(visit.url(photo, "/content"), headers=visit.headers)
    assert served.status_code == 200 and served.data == content
    assert served.headers["ETag"].strip('"') == hashlib.sha256(content).hexdigest()
    part = client.get(visit.url(photo, "/content"), headers={**visit.headers, "Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == content[1000:2000]


def test_a_photo_whose_hash_does_not_match_leaves_nothing_in_the_bucket(client, session, make, s3_endpoint, s3_bucket):
    content = big_png(150_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    assert put(client, visit, photo, content[:100_000], start=0).status_code == 200
    spoiled = content[100_000:-1] + b"\x00"
    answer = put(client, visit, photo, spoiled, start=100_000)
    assert answer.status_code == 400 and answer.json["received_bytes"] == 0, answer.json
    assert s3_endpoint.keys(s3_bucket) == []
    assert put(client, visit, photo).status_code == 201  # the phone starts again from zero
    assert len(s3_endpoint.keys(s3_bucket, "inst/photos/")) == 3


def test_pages_show_the_renditions_from_the_bucket(app, client, session, make):
    north = make.region("North")
    content = image_bytes("PNG", (800, 600))
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")], branch=make.branch(north))
    photo = visit.photos[0]
    assert put(client, visit, photo).status_code == 201
    admin = new_client(app)
    web_login(admin, make.user("admin").email)
    thumb = admin.get(f"/visits/{visit.id}/photos/{photo.id}?size=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.data)).size[0] <= 360
    original = admin.get(f"/visits/{visit.id}/photos/{photo.id}/original")
    assert original.status_code == 200 and original.data == content
