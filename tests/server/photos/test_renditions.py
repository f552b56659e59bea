"""Photos are decoded once, when the upload completes: pixel limit, declared format, renditions that pages and PDFs use."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
import zlib

import pytest
from PIL import Image

import server.services.photos.renditions as renditions
from server.models import Photo, Visit
from server.services.photos.renditions import PAGE_PIXELS
from server.storage import current_storage, photo_key, rendition_key
from tests.clients import new_client
from tests.reports.pdfcheck import contains, image_streams, pages
from tests.server.auth_helpers import web_login
from tests.server.photos.factories import image_bytes, make_photo_visit, png_bytes, put

CAMERA = (4032, 3024)


def fresh(session, key) -> Photo:
    session.expire_all()
    return session.get(Photo, uuid.UUID(str(key)))


def bomb_png(width: int, height: int) -> bytes:
    """A real, valid PNG of width x height black pixels, compressed to a few hundred KB (made row by row)."""
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 3)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def oriented_jpeg(size: tuple[int, int], orientation: int) -> bytes:
    """A JPEG whose EXIF says how to turn it upright (6: rotate 90° clockwise)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return image_bytes("JPEG", size, exif=exif.tobytes())


def stored(key: str) -> bytes:
    with current_storage().open(key) as data:
        return data.read()


def test_a_completed_upload_stores_page_and_thumbnail_renditions_and_records_them(client, session, make):
    visit = make_photo_visit(make, session, [("storefront", image_bytes("JPEG", CAMERA), "image/jpeg")])
    photo = visit.photos[0]
    assert put(client, visit, photo).status_code == 201
    row, key = fresh(session, photo.id), photo_key(visit.id, photo.id)
    assert (row.width, row.height) == CAMERA and row.refused_reason is None
    assert (row.page_key, row.thumb_key) == (rendition_key(key, "page"), rendition_key(key, "thumb"))
    page, thumb = (Image.open(io.BytesIO(stored(k))) for k in (row.page_key, row.thumb_key))
    assert page.format == thumb.format == "JPEG"
    assert page.size == (PAGE_PIXELS, 1200) and thumb.size == (360, 270)
    assert stored(key) == photo.content  # the original is kept exactly as sent


def test_the_exif_orientation_is_applied_only_when_the_photo_has_one(client, session, make):
    visit = make_photo_visit(
        make,
        session,
        [
            ("storefront", oriented_jpeg((400, 200), 6), "image/jpeg"),
            ("receipt", image_bytes("JPEG", (400, 200)), "image/jpeg"),
        ],
    )
    for photo in visit.photos:
        assert put(client, visit, photo).status_code == 201
    turned, plain = (Image.open(io.BytesIO(stored(fresh(session, p.id).page_key))) for p in visit.photos)
    assert turned.size == (200, 400) and plain.size == (400, 200)


def test_a_photo_over_the_pixel_limit_is_refused_with_415_and_the_visit_says_why(client, session, make):
    # The case from the issue: a 233 KB PNG of 8000 x 9999 pixels (four of them made one PDF take 6.7 s and 0.9 GiB).
    bomb = bomb_png(8000, 9999)
    assert len(bomb) < 400_000
    visit = make_photo_visit(make, session, [("storefront", bomb, "image/png"), ("receipt", png_bytes(), "image/png")])
    big, small = visit.photos
    response = put(client, visit, big)
    assert response.status_code == 415
    assert "8000×9999 pixels" in response.json["message"] and "at most 50 megapixels" in response.json["message"]
    assert response.json["received_bytes"] == 0
    assert put(client, visit, small).status_code == 201  # the visit's other photos still go through
    row = fresh(session, big.id)
    assert row.completed_at is None and row.received_bytes == 0 and "8000×9999" in row.refused_reason
    assert session.get(Visit, uuid.UUID(visit.id)).status.value == "awaiting_photos"
    record = client.get(f"/api/v1/visits/{visit.id}", headers=visit.headers).json
    assert record["status"] == "awaiting_photos" and record["missing_photos"] == [big.id]
    assert record["refused_photos"] == [{"id": big.id, "question": "storefront", "reason": row.refused_reason}]
    files = sorted(p.name for p in (current_storage().root / visit.id).iterdir())
    assert files == sorted([small.id, f"{small.id}~page", f"{small.id}~thumb"])  # nothing of the refused photo
    admin = make.user("admin")
    web_login(client, admin.email)
    page = client.get(f"/visits/{visit.id}").text
    block = page[page.index('id="refused-photos"') :]
    block = block[: block.index("</div>")]
    assert "<strong>Photo of the storefront</strong>: The photo is 8000×9999 pixels" in block


def test_the_pixel_limit_is_configurable(app, client, session, make):
    app.config["PHOTO_MAX_PIXELS"] = 1000
    visit = make_photo_visit(make, session, [("storefront", image_bytes("PNG", (40, 30)), "image/png")])
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 415 and "at most 0.001 megapixels" in response.json["message"]
    app.config["PHOTO_MAX_PIXELS"] = 1200  # the operator raises it: the same file now goes through
    assert put(client, visit, visit.photos[0]).status_code == 201
    assert fresh(session, visit.photos[0].id).refused_reason is None


def test_the_declared_format_is_enforced_beyond_the_first_bytes(client, session, make):
    # A real PNG behind a JPEG signature: only the JPEG decoder is tried, and it refuses.
    fake = b"\xff\xd8\xff\xe0" + png_bytes()
    visit = make_photo_visit(make, session, [("storefront", fake, "image/jpeg")])
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 415 and "JPEG" in response.json["message"]


def _world(client, session, make, files):
    north = make.region("North")
    visit = make_photo_visit(make, session, files, branch=make.branch(north))
    for photo in visit.photos:
        assert put(client, visit, photo).status_code == 201
    return visit, north


def test_pages_and_pdfs_use_only_the_renditions_never_the_original(client, session, make, monkeypatch):
    visit, north = _world(client, session, make, [("storefront", image_bytes("JPEG", CAMERA), "image/jpeg")])
    photo = visit.photos[0]
    row = fresh(session, photo.id)
    thumb = stored(row.thumb_key)
    current_storage().path(photo_key(visit.id, photo.id)).unlink()  # the original is gone: nothing may need it

    def no_decoding(*args, **kwargs):
        raise AssertionError("a page or PDF decoded a photo")

    monkeypatch.setattr(renditions, "render_photo", no_decoding)
    web_login(client, make.user("manager", regions=[north]).email)
    served = client.get(f"/visits/{visit.id}/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).size == (PAGE_PIXELS, 1200)
    assert client.get(f"/visits/{visit.id}/photos/{photo.id}?size=thumb").data == thumb
    pdf = client.get(f"/reports/visits/{visit.id}.pdf")
    assert pdf.status_code == 200 and image_streams(pdf.data) == [thumb]


def test_the_original_is_a_download_for_admins_only(app, client, session, make):
    visit, north = _world(client, session, make, [("storefront", image_bytes("PNG", (50, 40)), "image/png")])
    photo = visit.photos[0]
    url = f"/visits/{visit.id}/photos/{photo.id}/original"
    web_login(client, make.user("manager", regions=[north]).email)
    assert client.get(url).status_code in (403, 404)
    admin = new_client(app)
    web_login(admin, make.user("admin").email)
    original = admin.get(url)
    assert original.status_code == 200 and original.data == photo.content and original.mimetype == "image/png"
    assert original.headers["Content-Disposition"].startswith("attachment")
    assert url in admin.get(f"/visits/{visit.id}").text


def test_photos_stored_before_renditions_get_them_once_the_first_time_they_are_shown(
    client, session, make, monkeypatch
):
    visit, north = _world(client, session, make, [("storefront", image_bytes("JPEG", (2400, 1800)), "image/jpeg")])
    photo = visit.photos[0]
    row = fresh(session, photo.id)
    for name in ("page", "thumb"):  # as a database migrated to 0007 holds them
        current_storage().delete(rendition_key(row.storage_key, name))
    row.page_key = row.thumb_key = row.width = row.height = None
    session.commit()
    calls = []
    real = renditions.render_photo
    monkeypatch.setattr(renditions, "render_photo", lambda *a: calls.append(1) or real(*a))
    web_login(client, make.user("manager", regions=[north]).email)
    for _ in range(2):
        served = client.get(f"/visits/{visit.id}/photos/{photo.id}")
        assert served.status_code == 200 and Image.open(io.BytesIO(served.data)).size == (PAGE_PIXELS, 1200)
    assert client.get(f"/reports/visits/{visit.id}.pdf").status_code == 200
    assert calls == [1]
    assert (fresh(session, photo.id).width, fresh(session, photo.id).height) == (2400, 1800)


def test_an_old_photo_over_the_pixel_limit_prints_why_in_the_pdf_and_is_not_decoded_again(app, client, session, make):
    visit, north = _world(client, session, make, [("storefront", image_bytes("PNG", (200, 100)), "image/png")])
    row = fresh(session, visit.photos[0].id)
    row.page_key = row.thumb_key = None
    session.commit()
    app.config["PHOTO_MAX_PIXELS"] = 10_000
    web_login(client, make.user("manager", regions=[north]).email)
    pdf = client.get(f"/reports/visits/{visit.id}.pdf").data
    assert contains("\n".join(pages(pdf)), "photo not shown: The photo is 200×100 pixels")
    assert "200×100" in fresh(session, row.id).refused_reason
    assert client.get(f"/visits/{visit.id}/photos/{row.id}").status_code == 404


def test_the_renditions_command_makes_the_missing_ones(app, client, session, make):
    visit, _ = _world(client, session, make, [("storefront", image_bytes("JPEG", (800, 600)), "image/jpeg")])
    row = fresh(session, visit.photos[0].id)
    row.page_key = row.thumb_key = None
    session.commit()
    result = app.test_cli_runner().invoke(args=["photos", "renditions"])
    assert result.exit_code == 0 and "made renditions for 1 photo(s)" in result.output
    assert fresh(session, row.id).thumb_key == rendition_key(row.storage_key, "thumb")
    again = app.test_cli_runner().invoke(args=["photos", "renditions"])
    assert "made renditions for 0 photo(s)" in again.output


MEASURE = """
import io, json, resource, sys
from server.services.photos.renditions import render_photo, ImageRefused
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    rendered = render_photo(io.BytesIO(data), "image/png", 50_000_000)
    outcome = [rendered.width, rendered.height]
except ImageRefused as exc:
    outcome = exc.message
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "before_kib": before, "after_kib": after}))
"""


def _measure(path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.slow
def test_the_biggest_accepted_image_renders_within_a_memory_ceiling_and_a_bomb_costs_nothing(tmp_path):
    biggest, bomb = tmp_path / "biggest.png", tmp_path / "bomb.png"
    biggest.write_bytes(bomb_png(8000, 6250))  # exactly 50 megapixels: the largest photo the default accepts
    bomb.write_bytes(bomb_png(8000, 9999))
    accepted = _measure(biggest)
    assert accepted["outcome"] == [8000, 6250]
    # One RGB bitmap of 50 MP is 150 MB; the renditions are made from it without a second full-size copy.
    assert (accepted["after_kib"] - accepted["before_kib"]) < 260 * 1024, accepted
    refused = _measure(bomb)
    assert "8000×9999" in refused["outcome"]
    assert (refused["after_kib"] - refused["before_kib"]) < 16 * 1024, refused
