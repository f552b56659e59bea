"""`fieldaudit photos cleanup`: stale partial uploads and rejected visits' photos go, idempotently, dry run first."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

from server.models import Photo, Visit, VisitStatus
from server.models.types import utcnow
from server.services.photos.cleanup import cleanup_photos
from server.storage import current_storage, photo_key, rendition_key
from tests.server.photos.factories import big_png, make_photo_visit, put


def fresh(session, model, key):
    session.expire_all()
    return session.get(model, uuid.UUID(str(key)))


def age(path, hours: float) -> None:
    """Make a file look last written `hours` ago."""
    when = time.time() - hours * 3600
    os.utime(path, (when, when))


def stale_partial(client, session, make, hours: float = 100):
    """A visit whose first photo is half uploaded, its partial file last touched `hours` ago."""
    content = big_png(4000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    assert put(client, visit, photo, content[:1500], start=0).status_code == 200
    key = photo_key(visit.id, photo.id)
    age(current_storage().root / visit.id / f"{photo.id}.partial", hours)
    return visit, photo, key


def rejected_visit(client, session, make, days_ago: float):
    """A visit with both photos uploaded, rejected `days_ago` days ago."""
    visit = make_photo_visit(make, session)
    for photo in visit.photos:
        assert put(client, visit, photo).status_code == 201
    row = fresh(session, Visit, visit.id)
    row.status, row.reviewed_at = VisitStatus.REJECTED, utcnow() - timedelta(days=days_ago)
    session.commit()
    return visit


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["photos", "cleanup", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_stale_partial_upload_is_deleted_and_the_photo_starts_again_from_zero(app, client, session, make):
    visit, photo, key = stale_partial(client, session, make, hours=100)
    recent, recent_photo, recent_key = stale_partial(client, session, make, hours=1)
    output = run(app)
    assert "deleted 1 stale partial upload(s)" in output and f"{key}.partial" in output
    assert current_storage().partial_size(key) == 0 and current_storage().partial_size(recent_key) == 1500
    assert fresh(session, Photo, photo.id).received_bytes == 0
    assert client.head(visit.url(photo), headers=visit.headers).headers["Upload-Offset"] == "0"
    assert put(client, visit, photo).status_code == 201  # the phone simply starts again


def test_photos_of_rejected_visits_past_the_retention_period_are_deleted_with_their_renditions(
    app, client, session, make
):
    old = rejected_visit(client, session, make, days_ago=100)
    young = rejected_visit(client, session, make, days_ago=10)
    output = run(app, "--retention-days", "90")
    assert "deleted the files of 2 photo(s) of 1 rejected visit(s)" in output
    storage = current_storage()
    for photo in old.photos:
        key = photo_key(old.id, photo.id)
        assert not storage.exists(key)
        assert not storage.exists(rendition_key(key, "page")) and not storage.exists(rendition_key(key, "thumb"))
        row = fresh(session, Photo, photo.id)
        assert row.removed_at is not None and row.storage_key is None and row.thumb_key is None
        assert row.sha256 == photo.entry["sha256"]  # the manifest stays on record
    assert not (storage.root / old.id).exists()
    assert all(storage.exists(photo_key(young.id, p.id)) for p in young.photos)


def test_a_dry_run_says_what_it_would_delete_and_deletes_nothing(app, client, session, make):
    _, _, key = stale_partial(client, session, make)
    visit = rejected_visit(client, session, make, days_ago=400)
    output = run(app, "--dry-run")
    assert "would delete 1 stale partial upload(s)" in output and "Dry run: nothing was deleted." in output
    assert "would delete the files of 2 photo(s) of 1 rejected visit(s)" in output
    assert current_storage().partial_size(key) == 1500
    assert all(current_storage().exists(photo_key(visit.id, p.id)) for p in visit.photos)
    assert all(fresh(session, Photo, p.id).removed_at is None for p in visit.photos)


def test_cleanup_is_idempotent(app, client, session, make):
    stale_partial(client, session, make)
    rejected_visit(client, session, make, days_ago=400)
    run(app)
    again = run(app)
    assert "deleted 0 stale partial upload(s)" in again and "deleted the files of 0 photo(s)" in again


def test_a_partial_upload_being_written_right_now_is_left_alone(app, client, session, make):
    _, _, key = stale_partial(client, session, make)
    with current_storage().lock(key):
        report = cleanup_photos(
            session, current_storage(), partial_max_age=timedelta(hours=1), retention=timedelta(days=90)
        )
    assert report.busy_partials == [key] and report.partials == []
    assert current_storage().partial_size(key) == 1500


def test_the_pages_and_pdf_of_a_cleaned_visit_say_its_photos_were_deleted(app, client, session, make):
    from tests.reports.pdfcheck import contains, pages
    from tests.server.auth_helpers import web_login

    visit = rejected_visit(client, session, make, days_ago=400)
    run(app)
    web_login(client, make.user("admin").email)
    assert "Photo deleted after the retention period" in client.get(f"/visits/{visit.id}").text
    pdf = client.get(f"/reports/visits/{visit.id}.pdf").data
    assert contains("\n".join(pages(pdf)), "photo not shown: deleted after the retention period")
    photo = visit.photos[0]
    assert client.get(f"/visits/{visit.id}/photos/{photo.id}").status_code == 404
