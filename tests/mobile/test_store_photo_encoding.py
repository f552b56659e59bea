"""Photos are stored at capture as they are sent: upright, downscaled to the checklist's limit, JPEG, no EXIF."""

from __future__ import annotations

import copy
import hashlib
import time

import pytest
from PIL import ExifTags, Image

from mobile.store import StoreError
from shared.checklist import PhotoSettings
from tests.mobile.factories import CHECKLIST, assignment_change, jpeg_bytes, png_bytes, version_change

ORIENTATION = ExifTags.Base.Orientation
GPS_IFD = ExifTags.IFD.GPSInfo
ASSIGNMENT = "5f0c1d7e-8a2b-4c3d-9e4f-1a2b3c4d5e6f"


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone camera writes it: an orientation, a camera model and a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ExifTags.Base.Model] = "Fieldphone 12"
    exif[GPS_IFD] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0)}
    return exif


def checklist_with(**settings) -> dict:
    document = copy.deepcopy(CHECKLIST)
    document["photo_settings"] = settings
    return document


def test_a_big_camera_jpeg_is_stored_upright_within_the_limit_without_exif(shop, assignment_id, tmp_path):
    source = tmp_path / "camera.jpg"
    # stored landscape 4000x3000, EXIF orientation 6: the camera was held upright, the picture is 3000x4000 portrait
    source.write_bytes(jpeg_bytes(4000, 3000, exif=camera_exif(orientation=6)))
    visit = shop.drafts.start_visit(assignment_id)
    started = time.perf_counter()
    photo = shop.drafts.add_photo(visit.id, "storefront", source)
    seconds = time.perf_counter() - started
    stored = shop.drafts.photo_path(photo)
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (1200, 1600)
        assert not image.getexif() and "exif" not in image.info
        # the gradient runs dark -> light from the top in the file; turned upright it runs from the right
        assert image.getpixel((1150, 800))[0] < image.getpixel((50, 800))[0]
    assert photo.content_type == "image/jpeg" and stored.name == photo.id + ".jpg"
    assert (photo.sha256, photo.size) == (hashlib.sha256(stored.read_bytes()).hexdigest(), stored.stat().st_size)
    assert source.read_bytes()[:2] == b"\xff\xd8"  # the camera file is left as it was (the app deletes its own)
    assert seconds < 30  # measured ~0.3 s for 12 MP on the dev machine; a phone takes a few times that


def test_the_checklists_limit_and_quality_are_used(shop, tmp_path):
    shop.pulled.apply_changes(
        [
            version_change(8, checklist_with(max_edge_px=800, jpeg_quality=50)),
            assignment_change(ASSIGNMENT, version_id=8),
        ],
        "c2",
    )
    visit = shop.drafts.start_visit(ASSIGNMENT)
    source = tmp_path / "camera.jpg"
    source.write_bytes(jpeg_bytes(3000, 2000, exif=camera_exif()))
    photo = shop.drafts.add_photo(visit.id, "storefront", source)
    with Image.open(shop.drafts.photo_path(photo)) as image:
        assert image.size == (800, 533)
    high = encode(source, tmp_path / "high.jpg", PhotoSettings(max_edge_px=800, jpeg_quality=95))
    assert photo.size < high.stat().st_size


def encode(source, target, settings):
    from mobile.store.photo_encoding import encode_photo

    assert encode_photo(source, target, settings) == "image/jpeg"
    return target


def test_a_small_photo_is_never_upscaled(tmp_path):
    source = tmp_path / "small.jpg"
    source.write_bytes(jpeg_bytes(640, 480, exif=camera_exif(orientation=8)))
    with Image.open(encode(source, tmp_path / "out.jpg", PhotoSettings())) as image:
        assert image.size == (480, 640) and not image.getexif()


def test_a_small_clean_png_or_jpeg_is_kept_byte_for_byte(tmp_path):
    from mobile.store.photo_encoding import encode_photo

    png, jpeg = tmp_path / "a.png", tmp_path / "b.jpg"
    png.write_bytes(png_bytes(noise=30_000))
    jpeg.write_bytes(jpeg_bytes(300, 200))
    assert encode_photo(png, tmp_path / "a.out", PhotoSettings()) == "image/png"
    assert encode_photo(jpeg, tmp_path / "b.out", PhotoSettings()) == "image/jpeg"
    assert (tmp_path / "a.out").read_bytes() == png.read_bytes()
    assert (tmp_path / "b.out").read_bytes() == jpeg.read_bytes()


def test_a_transparent_png_is_flattened_on_white_into_a_jpeg(tmp_path):
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (2000, 1000), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 1000, 1000))
    image.save(source)
    with Image.open(encode(source, tmp_path / "out.jpg", PhotoSettings())) as out:
        assert out.size == (1600, 800) and out.mode == "RGB"
        r, g, b = out.getpixel((1400, 400))
        assert min(r, g, b) > 245  # transparent became white, not red or black
        assert out.getpixel((200, 400))[2] > 200  # the opaque blue half stays blue


def test_a_file_the_app_cannot_decode_gets_a_readable_message(tmp_path):
    from mobile.store.photo_encoding import encode_photo

    heic = tmp_path / "IMG_0001.HEIC"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100)
    with pytest.raises(StoreError, match="IMG_0001.HEIC could not be read as a photo .the app cannot read this kind"):
        encode_photo(heic, tmp_path / "out", PhotoSettings())
