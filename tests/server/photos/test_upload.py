"""Uploading photos: whole or resumable, checked against the manifest, idempotent, and what each mistake gets."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from sqlalchemy import func, select

from server.models import Change, Photo, Visit
from server.services.photos.renditions import readable
from server.services.visits.record import VisitRejected
from server.storage import current_storage, photo_key
from tests.server.photos.factories import big_png, image_bytes, jpeg_bytes, make_photo_visit, png_bytes, put


def fresh(session, model, key):
    session.expire_all()
    return session.get(model, uuid.UUID(str(key)))


def visit_changes(session, visit) -> int:
    return session.scalar(
        select(func.count()).select_from(Change).where(Change.entity == "visit", Change.entity_id == visit.id)
    )


def stored(visit, photo) -> bytes:
    with current_storage().open(photo_key(visit.id, photo.id)) as data:
        return data.read()


def test_a_whole_upload_completes_the_photo_and_only_the_last_photo_submits_the_visit(client, session, visit):
    storefront, receipt = visit.photos
    pushed = visit_changes(session, visit)  # recording the visit may log it already
    first = put(client, visit, storefront)
    assert first.status_code == 201, first.json
    assert first.json == {
        "id": storefront.id,
        "received_bytes": len(storefront.content),
        "size": len(storefront.content),
        "complete": True,
        "visit_status": "awaiting_photos",
    }
    assert first.headers["Upload-Offset"] == first.headers["Upload-Length"] == str(len(storefront.content))
    assert fresh(session, Visit, visit.id).status.value == "awaiting_photos"
    assert visit_changes(session, visit) == pushed

    second = put(client, visit, receipt)
    assert second.status_code == 201 and second.json["visit_status"] == "submitted"
    assert fresh(session, Visit, visit.id).status.value == "submitted"
    assert visit_changes(session, visit) == pushed + 1
    for photo in visit.photos:
        row = fresh(session, Photo, photo.id)
        assert row.completed_at is not None and row.received_bytes == row.size
        assert row.storage_key == f"{visit.id}/{photo.id}"
        assert stored(visit, photo) == photo.content


def test_a_resumable_upload_continues_where_the_server_says_and_completes_with_the_right_hash(client, session, make):
    content = big_png(200_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    cut = len(content) * 6 // 10
    part = put(client, visit, photo, content[:cut], start=0)
    assert part.status_code == 200
    assert part.json["received_bytes"] == cut and part.json["complete"] is False

    head = client.head(visit.url(photo), headers=visit.headers)
    assert head.status_code == 200 and head.data == b""
    assert (head.headers["Upload-Offset"], head.headers["Upload-Length"]) == (str(cut), str(len(content)))
    status = client.get(visit.url(photo), headers=visit.headers).json
    assert (status["received_bytes"], status["size"], status["complete"]) == (cut, len(content), False)

    rest = put(client, visit, photo, content[cut:], start=cut)
    assert rest.status_code == 201 and rest.json["visit_status"] == "submitted"
    assert hashlib.sha256(stored(visit, photo)).hexdigest() == photo.entry["sha256"]


def test_a_lost_connection_keeps_the_bytes_that_arrived_and_the_upload_resumes_from_them(client, session, make):
    content = big_png(300_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    arrived = 180_000  # the phone sent 60 %, then the network dropped
    lost = client.put(
        visit.url(photo),
        input_stream=io.BytesIO(content[:arrived]),
        headers={**visit.headers, "Content-Type": "image/png"},
        environ_overrides={"CONTENT_LENGTH": str(len(content))},
    )  # promised more than came
    assert lost.status_code == 400  # nobody reads this answer: the phone is gone
    head = client.head(visit.url(photo), headers=visit.headers)
    assert head.headers["Upload-Offset"] == str(arrived)
    rest = put(client, visit, photo, content[arrived:], start=arrived)
    assert rest.status_code == 201
    assert stored(visit, photo) == content


def test_a_chunk_at_the_wrong_offset_gets_409_with_the_bytes_the_server_holds(client, session, make):
    content = big_png(10_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    assert put(client, visit, photo, content[:4000], start=0).status_code == 200
    for start in (0, 3000, 5000):
        response = put(client, visit, photo, content[start:], start=start)
        assert response.status_code == 409, start
        assert response.json["received_bytes"] == 4000 and response.headers["Upload-Offset"] == "4000"
    assert fresh(session, Photo, photo.id).received_bytes == 4000


def test_a_whole_upload_replaces_partial_data_from_an_earlier_attempt(client, session, make):
    content = big_png(10_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    put(client, visit, visit.photos[0], content[:4000], start=0)
    assert put(client, visit, visit.photos[0]).status_code == 201
    assert stored(visit, visit.photos[0]) == content


def test_a_file_whose_hash_differs_from_the_manifest_gets_400_and_its_data_is_discarded(client, session, make):
    content = big_png(10_000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    other = content[:-1] + b"?"
    assert put(client, visit, photo, other[:6000], start=0).status_code == 200
    response = put(client, visit, photo, other[6000:], start=6000)
    assert response.status_code == 400 and "SHA-256" in response.json["message"]
    assert response.json["received_bytes"] == 0
    assert fresh(session, Photo, photo.id).received_bytes == 0
    assert current_storage().partial_size(photo_key(visit.id, photo.id)) == 0
    assert not current_storage().exists(photo_key(visit.id, photo.id))
    assert put(client, visit, photo).status_code == 201  # and the phone simply starts again


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"GIF89a" + b"\x00" * 40, "image/png"),
        (b"<html><script>alert(1)</script></html>", "image/png"),
        (png_bytes(), "image/jpeg"),
        (jpeg_bytes(), "image/webp"),
    ],
)
def test_a_body_that_is_not_an_image_of_the_manifests_type_gets_415(client, session, make, body, content_type):
    visit = make_photo_visit(make, session, [("storefront", body, content_type)])
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 415, response.json
    assert fresh(session, Photo, visit.photos[0].id).received_bytes == 0


def test_a_manifest_type_we_do_not_take_or_a_contradicting_content_type_gets_415(client, session, make):
    visit = make_photo_visit(
        make, session, [("storefront", b"GIF89a" + b"\x00" * 40, "image/png"), ("receipt", png_bytes(), "image/png")]
    )
    gif, png = visit.photos
    gif.content_type = "image/gif"  # a row from before push refused such manifests: the upload still says no
    session.commit()
    assert put(client, visit, gif).status_code == 415
    assert put(client, visit, png, content_type="image/jpeg").status_code == 415
    assert put(client, visit, png, content_type="application/octet-stream").status_code == 201


@pytest.mark.skipif(readable("image/heic"), reason="pillow-heif is installed: HEIC photos are read")
@pytest.mark.parametrize("kind", ["image/heic", "image/heif"])
def test_heic_and_heif_are_refused_at_push_when_the_server_cannot_read_them(session, make, kind):
    with pytest.raises(VisitRejected) as refused:
        make_photo_visit(make, session, [("storefront", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, kind)])
    assert "cannot read HEI" in refused.value.errors["photos[0].content_type"][0]


@pytest.mark.parametrize("kind,pillow_format", [("image/webp", "WEBP"), ("image/jpeg", "JPEG"), ("image/png", "PNG")])
def test_real_webp_jpeg_and_png_photos_are_taken(client, session, make, kind, pillow_format):
    visit = make_photo_visit(make, session, [("storefront", image_bytes(pillow_format, (40, 30)), kind)])
    assert put(client, visit, visit.photos[0]).status_code == 201


@pytest.mark.parametrize(
    "kind,head",
    [
        ("image/webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"),
    ],
)
def test_the_right_first_bytes_with_no_image_behind_them_get_415_and_nothing_is_kept(client, session, make, kind, head):
    visit = make_photo_visit(make, session, [("storefront", head + b"\x00" * 100, kind)])
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 415 and "Its data was discarded" in response.json["message"]
    assert fresh(session, Photo, visit.photos[0].id).received_bytes == 0
    assert list(current_storage().root.rglob("*.*")) == []


def test_more_bytes_than_the_manifest_says_get_413_and_nothing_is_kept(client, session, make):
    content = big_png(5000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    assert put(client, visit, photo, content + b"extra").status_code == 413
    chunked = client.put(
        visit.url(photo),
        input_stream=io.BytesIO(content + b"extra"),
        headers={**visit.headers, "Content-Type": "image/png"},
        environ_overrides={"wsgi.input_terminated": True},
    )  # no Content-Length: a chunked body
    assert chunked.status_code == 413, chunked.json
    too_long_range = put(client, visit, photo, content[:100], headers={"Content-Range": "bytes 0-99/6000"})
    assert too_long_range.status_code == 413
    assert fresh(session, Photo, photo.id).received_bytes == 0
    assert current_storage().partial_size(photo_key(visit.id, photo.id)) == 0


@pytest.mark.parametrize(
    "header",
    ["bytes 0-9", "0-9/100", "bytes 10-5/100", "bytes 0-100/100", "bytes=0-9/100", "bytes -1-9/100", "bytes 0-9/*"],
)
def test_a_malformed_content_range_gets_400_naming_the_header(client, visit, header):
    response = put(client, visit, visit.photos[0], headers={"Content-Range": header})
    assert response.status_code == 400 and "Content-Range" in response.json["errors"]


def test_an_empty_body_gets_400(client, visit):
    assert put(client, visit, visit.photos[0], b"").status_code == 400


def test_repeating_a_completed_upload_answers_complete_and_rewrites_nothing(client, session, visit):
    storefront, receipt = visit.photos
    put(client, visit, storefront)
    put(client, visit, receipt)
    changes = visit_changes(session, visit)
    path = current_storage().path(photo_key(visit.id, storefront.id))
    before = path.stat()
    for body in (storefront.content, b"anything at all"):
        again = put(client, visit, storefront, body)
        assert again.status_code == 200
        assert again.json["complete"] is True and again.json["visit_status"] == "submitted"
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert stored(visit, storefront) == storefront.content
    assert visit_changes(session, visit) == changes
