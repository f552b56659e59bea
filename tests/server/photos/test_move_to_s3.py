"""`fieldaudit photos copy-to-s3`: a live instance's photos moved from disk to a real S3 endpoint, every hash checked."""

from __future__ import annotations

import hashlib

import pytest

from server import create_app
from server.extensions import db
from server.storage import current_storage, photo_key, rendition_key
from tests.clients import new_client
from tests.server.photos.factories import image_bytes, make_photo_visit, png_bytes, put


@pytest.fixture
def app_config(app_config, s3_endpoint, s3_bucket):
    """An instance serving photos from disk, with the S3 settings of where they are going already set."""
    settings = s3_endpoint.config(s3_bucket, S3_PREFIX="inst")
    settings.pop("PHOTO_STORAGE")
    return {**app_config, **settings}


def copy(app, *extra):
    """Run the command on `app` (in a context of its own: a command runs in the app context already pushed)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["photos", "copy-to-s3", *extra])


def uploaded(client, session, make, count=2):
    """A visit whose `count` photos were uploaded (to disk), JPEG renditions and all."""
    files = [("storefront", image_bytes("JPEG", (640, 480), (20 * i, 90, 60)), "image/jpeg") for i in range(count)]
    visit = make_photo_visit(make, session, files[:1] + [("receipt", png_bytes(5, 4), "image/png")][: count - 1])
    for photo in visit.photos:
        assert put(client, visit, photo).status_code == 201
    return visit


def object_sha(s3_endpoint, bucket, key) -> str | None:
    client = s3_endpoint.client()
    try:
        body = client.get_object(Bucket=bucket, Key=f"inst/photos/{key}")["Body"].read()
    except client.exceptions.NoSuchKey:
        return None
    return hashlib.sha256(body).hexdigest()


def test_photos_and_renditions_are_copied_verified_and_a_second_run_copies_nothing(
    app, client, session, make, s3_endpoint, s3_bucket
):
    visit = uploaded(client, session, make)
    first, second = visit.photos
    disk = current_storage()
    lost = rendition_key(photo_key(visit.id, second.id), "thumb")
    disk.path(lost).unlink()  # a rendition gone from disk: made again from the original

    result = copy(app)
    assert result.exit_code == 0, result.output
    assert "photos: 2 copied and verified, 0 already" in result.output
    assert "renditions: 2 copied, 2 made again from the original, 0 already" in result.output
    for photo in visit.photos:
        key = photo_key(visit.id, photo.id)
        assert object_sha(s3_endpoint, s3_bucket, key) == photo.entry["sha256"]
        for name in ("page", "thumb"):
            assert object_sha(s3_endpoint, s3_bucket, rendition_key(key, name)) is not None
    assert object_sha(s3_endpoint, s3_bucket, rendition_key(photo_key(visit.id, first.id), "page")) == (
        hashlib.sha256(disk.path(rendition_key(photo_key(visit.id, first.id), "page")).read_bytes()).hexdigest()
    )

    again = copy(app)
    assert again.exit_code == 0, again.output
    assert "photos: 0 copied and verified, 2 already" in again.output
    assert "renditions: 0 copied, 0 made again from the original, 4 already" in again.output


def test_a_corrupted_file_on_disk_is_reported_never_copied_and_the_command_fails(
    app, client, session, make, s3_endpoint, s3_bucket
):
    visit = uploaded(client, session, make)
    bad = visit.photos[0]
    key = photo_key(visit.id, bad.id)
    path = current_storage().path(key)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # bit rot: one byte changed, same size
    path.write_bytes(bytes(data))

    result = copy(app)
    assert result.exit_code == 1
    assert f"photo {bad.id}: the file on disk" in result.output and "corrupted" in result.output
    assert "1 photo(s) are not safely in the bucket" in result.output
    assert "photos: 1 copied and verified" in result.output  # the other one
    assert object_sha(s3_endpoint, s3_bucket, key) is None and s3_endpoint.uploads(s3_bucket) == []


def test_an_object_changed_in_the_bucket_is_copied_again(app, client, session, make, s3_endpoint, s3_bucket):
    visit = uploaded(client, session, make, count=1)
    photo = visit.photos[0]
    assert copy(app).exit_code == 0
    key = photo_key(visit.id, photo.id)
    spoiled = bytearray(photo.content)
    spoiled[-3] ^= 0x01
    s3_endpoint.client().put_object(Bucket=s3_bucket, Key=f"inst/photos/{key}", Body=bytes(spoiled))  # no metadata
    result = copy(app)
    assert result.exit_code == 0 and "photos: 1 copied and verified, 0 already" in result.output, result.output
    assert object_sha(s3_endpoint, s3_bucket, key) == photo.entry["sha256"]


def test_after_the_switch_to_s3_a_last_run_finds_the_new_photos_there_and_a_photo_found_nowhere_fails(
    app, app_config, client, session, make, s3_endpoint, s3_bucket
):
    before = uploaded(client, session, make, count=1)
    assert copy(app).exit_code == 0
    s3_app = create_app({**app_config, "PHOTO_STORAGE": "s3"})  # the admin switches; the server restarts
    with s3_app.app_context():
        later = make_photo_visit(make, session, [("storefront", image_bytes("PNG", (300, 200)), "image/png")])
        assert put(new_client(s3_app), later, later.photos[0]).status_code == 201
        result = copy(s3_app, "--from-path", app_config["PHOTO_STORAGE_PATH"])
        assert result.exit_code == 0, result.output
        assert "photos: 0 copied and verified, 2 already" in result.output
        assert "Every photo is in the bucket" in result.output
        served = new_client(s3_app).get(before.url(before.photos[0], "/content"), headers=before.headers)
        assert served.status_code == 200 and served.data == before.photos[0].content

        s3_endpoint.client().delete_object(
            Bucket=s3_bucket, Key=f"inst/photos/{photo_key(later.id, later.photos[0].id)}"
        )
        lost = copy(s3_app, "--from-path", app_config["PHOTO_STORAGE_PATH"])
        assert lost.exit_code == 1 and f"photo {later.photos[0].id}: missing on disk" in lost.output
        db.session.remove()
        db.engine.dispose()


def test_bad_settings_or_folder_are_clear_errors(app, app_config, tmp_path):
    assert copy(app, "--from-path", str(tmp_path / "nowhere")).exit_code == 2
    nobucket = create_app({**app_config, "S3_BUCKET": ""})
    result = copy(nobucket, "--from-path", str(tmp_path))
    assert result.exit_code == 2 and "FIELDAUDIT_S3_BUCKET" in result.output
    missing = copy(create_app({**app_config, "S3_BUCKET": "no-such-bucket"}), "--from-path", str(tmp_path))
    assert missing.exit_code == 2 and "no-such-bucket" in missing.output and "does not exist" in missing.output
    assert app_config["S3_SECRET_ACCESS_KEY"] not in missing.output
