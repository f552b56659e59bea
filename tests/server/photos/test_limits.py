"""Resource limits on photos: per-visit budget, per-shopper daily quota, free space, and chunks exactly their range."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from sqlalchemy import update

from server.models import Photo, Visit
from server.models.types import utcnow
from server.services.visits.record import VisitRejected
from server.storage import current_storage, photo_key
from tests.server.photos.factories import big_png, make_photo_visit, put


def fresh(session, key) -> Photo:
    session.expire_all()
    return session.get(Photo, uuid.UUID(str(key)))


def pngs(count: int, size: int = 2000) -> list[tuple[str, bytes, str]]:
    """`count` different PNG photos of `size` bytes for the checklist's photo question."""
    return [("storefront", big_png(size)[:-8] + n.to_bytes(8, "big"), "image/png") for n in range(count)]


def refusal(session, make, files, **kwargs) -> VisitRejected:
    try:
        make_photo_visit(make, session, files, **kwargs)
    except VisitRejected as exc:
        return exc
    raise AssertionError("the visit was stored")


def test_a_visit_with_more_photos_than_its_budget_is_refused_at_push_under_photos(app, session, make):
    app.config["VISIT_MAX_PHOTOS"] = 3
    exc = refusal(session, make, pngs(4))
    assert exc.errors["photos"] == ["the visit has 4 photos; the server takes at most 3 per visit"]
    make_photo_visit(make, session, pngs(3))  # at the limit: stored


def test_a_visit_whose_photos_total_more_than_its_byte_budget_is_refused_at_push(app, session, make):
    app.config["VISIT_MAX_PHOTO_BYTES"] = 5000
    exc = refusal(session, make, pngs(3, 2000))
    assert "total 6,000 bytes; the server takes at most 5,000 bytes per visit" in exc.errors["photos"][0]


def test_the_push_endpoint_answers_invalid_naming_photos_for_a_budget_refusal(app, client, session, make):
    from server.services.accounts.tokens import issue_token
    from tests.server.auth_helpers import bearer
    from tests.server.photos.factories import PHOTO_CHECKLIST

    app.config["VISIT_MAX_PHOTOS"] = 1
    shopper = make.user("shopper")
    template = make.template(PHOTO_CHECKLIST)
    assignment = make.assignment(shopper=shopper, template=template)
    import hashlib

    photos = [
        {
            "id": str(uuid.uuid4()),
            "question": "storefront",
            "sha256": hashlib.sha256(b"x%d" % n).hexdigest(),
            "size": 10,
            "content_type": "image/png",
        }
        for n in range(2)
    ]
    document = {
        "id": str(uuid.uuid4()),
        "template_version_id": template.versions[0].id,
        "assignment_id": str(assignment.id),
        "branch_id": assignment.branch_id,
        "started_at": "2026-11-20T09:14:03Z",
        "finished_at": "2026-11-20T09:52:40Z",
        "answers": [{"question": "greeted", "value": "yes"}],
        "photos": photos,
    }
    token = issue_token(session, shopper, "Phone")[1]
    session.commit()
    [result] = client.post("/api/v1/sync/push", json={"visits": [document]}, headers=bearer(token)).json["results"]
    assert result["result"] == "invalid" and "at most 1 per visit" in result["errors"]["photos"][0]
    assert "at most 1 per visit" in result["message"]


def test_the_daily_quota_counts_the_shoppers_photos_of_the_last_24_hours_at_push(app, session, make):
    app.config["SHOPPER_DAILY_PHOTOS"] = 5
    shopper = make.user("shopper")
    make_photo_visit(make, session, pngs(3), shopper=shopper)
    exc = refusal(session, make, pngs(3), shopper=shopper)
    assert "over the daily allowance of 5 photos" in exc.errors["photos"][0]
    assert "try again after" in exc.errors["photos"][0]
    make_photo_visit(make, session, pngs(3))  # another shopper has an allowance of their own
    session.execute(
        update(Visit).where(Visit.shopper_id == shopper.id).values(submitted_at=utcnow() - timedelta(hours=25))
    )
    session.commit()
    make_photo_visit(make, session, pngs(3), shopper=shopper)  # a day later the same visit goes through


def test_the_daily_byte_quota_is_checked_too(app, session, make):
    app.config["SHOPPER_DAILY_PHOTO_BYTES"] = 7000
    shopper = make.user("shopper")
    make_photo_visit(make, session, pngs(2, 3000), shopper=shopper)
    assert "daily allowance" in refusal(session, make, pngs(1, 3000), shopper=shopper).errors["photos"][0]


def test_a_visit_over_its_budget_at_upload_gets_413_and_nothing_is_read(app, client, session, make):
    visit = make_photo_visit(make, session, pngs(3))
    app.config["VISIT_MAX_PHOTOS"] = 2  # lowered after the visit was accepted: the upload still enforces it
    response = put(client, visit, visit.photos[0])
    assert response.status_code == 413 and "at most 2 per visit" in response.json["errors"]["photos"][0]
    assert fresh(session, visit.photos[0].id).received_bytes == 0
    assert not (current_storage().root / visit.id).exists()


def test_a_shopper_over_the_daily_quota_at_upload_gets_429_with_retry_after(app, client, session, make):
    shopper = make.user("shopper")
    first = make_photo_visit(make, session, pngs(2), shopper=shopper)
    second = make_photo_visit(make, session, pngs(1), shopper=shopper)
    app.config["SHOPPER_DAILY_PHOTOS"] = 2
    for photo in first.photos:
        assert put(client, first, photo).status_code == 201
    response = put(client, second, second.photos[0])
    assert response.status_code == 429 and "daily allowance of 2 photos" in response.json["message"]
    assert 23 * 3600 < int(response.headers["Retry-After"]) <= 24 * 3600 + 1
    assert fresh(session, second.photos[0].id).received_bytes == 0


def test_too_little_free_space_answers_507_before_a_byte_is_stored(app, client, session, make):
    visit = make_photo_visit(make, session)
    photo = visit.photos[0]
    assert current_storage().free_bytes() < 1 << 62
    app.config["PHOTO_MIN_FREE_BYTES"] = 1 << 62  # as if the disk were nearly full
    response = put(client, visit, photo)
    assert response.status_code == 507 and "short of storage space" in response.json["message"]
    assert response.headers["Retry-After"] and fresh(session, photo.id).received_bytes == 0
    assert not current_storage().root.exists() or list(current_storage().root.rglob("*")) == []
    app.config["PHOTO_MIN_FREE_BYTES"] = 0
    assert put(client, visit, photo).status_code == 201


def _chunked(client, visit, photo, body: bytes, header: str):
    """PUT with Transfer-Encoding: chunked, no Content-Length: only the Content-Range says how long the chunk is."""
    return client.put(
        visit.url(photo),
        input_stream=io.BytesIO(body),
        headers={
            **visit.headers,
            "Content-Type": photo.content_type,
            "Content-Range": header,
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_longer_than_its_content_range_is_refused_and_nothing_of_it_is_kept(client, session, make):
    content = big_png(5000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    response = _chunked(client, visit, photo, content[:3000], "bytes 0-999/5000")
    assert response.status_code == 400 and "longer than the 1000 bytes" in response.json["message"]
    assert "Content-Range" in response.json["errors"]
    assert fresh(session, photo.id).received_bytes == 0
    assert current_storage().partial_size(photo_key(visit.id, photo.id)) == 0


def test_a_chunked_body_shorter_than_its_content_range_is_refused_and_nothing_of_it_is_kept(client, session, make):
    content = big_png(5000)
    visit = make_photo_visit(make, session, [("storefront", content, "image/png")])
    photo = visit.photos[0]
    assert _chunked(client, visit, photo, content[:1000], "bytes 0-999/5000").status_code == 200
    response = _chunked(client, visit, photo, content[1000:1500], "bytes 1000-2999/5000")
    assert response.status_code == 400 and "has 500 bytes but its Content-Range names 2000" in response.json["message"]
    assert fresh(session, photo.id).received_bytes == 1000
    assert current_storage().partial_size(photo_key(visit.id, photo.id)) == 1000
    assert _chunked(client, visit, photo, content[1000:], "bytes 1000-4999/5000").status_code == 201
