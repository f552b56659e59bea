"""Evidence photos: uploaded on the action's page by those who work on it, re-encoded as JPEG, served only to
those who see the action; anything that is not a readable image is refused and nothing is kept."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from server.models import CorrectiveAction, CorrectiveActionEvidence
from tests.server.actions.test_pages import signed_in
from tests.server.auth_helpers import csrf_token
from tests.server.photos.factories import jpeg_bytes, png_bytes


def upload(client, action, data: bytes, name: str, mimetype: str, token: str, caption: str = ""):
    form = {"photo": (io.BytesIO(data), name, mimetype), "caption": caption, "csrf_token": token}
    return client.post(f"/actions/{action.id}/evidence", data=form, content_type="multipart/form-data")


def test_the_owner_uploads_a_photo_that_is_shown_as_a_jpeg_to_those_who_see_the_action(app, world, session):
    action = world.action(owner=world.manager)
    client = signed_in(app, world.manager)
    token = csrf_token(client.get(f"/actions/{action.id}").text)
    response = upload(client, action, png_bytes(40, 30), "fixed.png", "image/png", token, "New <labels>")
    assert response.status_code == 302
    session.expire_all()
    (evidence,) = session.scalars(select(CorrectiveActionEvidence)).all()
    assert (evidence.width, evidence.height, evidence.caption, evidence.uploaded_by_id) == (
        40,
        30,
        "New <labels>",
        world.manager.id,
    )
    assert [e.kind for e in session.get(CorrectiveAction, action.id).events] == ["created", "evidence"]
    page = client.get(f"/actions/{action.id}").text
    assert "New &lt;labels&gt;" in page and f"/actions/{action.id}/evidence/{evidence.id}?size=thumb" in page
    for size in ("", "?size=thumb"):
        photo = client.get(f"/actions/{action.id}/evidence/{evidence.id}{size}")
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
        assert photo.headers["X-Content-Type-Options"] == "nosniff" and "private" in photo.headers["Cache-Control"]
        assert Image.open(io.BytesIO(photo.data)).format == "JPEG"
    other = signed_in(app, world.other_manager)
    assert other.get(f"/actions/{action.id}/evidence/{evidence.id}").status_code == 404
    assert signed_in(app, world.shopper).get(f"/actions/{action.id}/evidence/{evidence.id}").status_code == 403
    elsewhere = world.action(branch=world.other_branch, actor=world.admin)
    assert client.get(f"/actions/{elsewhere.id}/evidence/{evidence.id}").status_code == 404
    assert client.get(f"/actions/{action.id}/evidence/not-a-uuid").status_code == 404


def test_a_file_that_is_not_a_readable_image_is_refused_and_nothing_is_kept(app, world, session):
    action = world.action()
    client = signed_in(app, world.manager)
    token = csrf_token(client.get(f"/actions/{action.id}").text)
    refused = upload(client, action, b"<html>not a photo</html>", "x.jpg", "image/jpeg", token)
    page = client.get(refused.headers["Location"]).text
    assert "not a JPEG image" in page or "The JPEG file could not be read" in page
    svg = upload(client, action, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg", "image/svg+xml", token)
    assert svg.status_code == 302
    assert "send JPEG, PNG or WebP" in client.get(f"/actions/{action.id}").text
    none = client.post(f"/actions/{action.id}/evidence", data={"csrf_token": token})
    assert "Choose a photo to upload." in client.get(none.headers["Location"]).text
    assert session.scalar(select(func.count()).select_from(CorrectiveActionEvidence)) == 0


def test_uploading_needs_the_csrf_token_and_someone_who_works_on_the_action(app, world, session):
    action = world.action()
    client = signed_in(app, world.manager)
    assert upload(client, action, jpeg_bytes(), "a.jpg", "image/jpeg", "wrong").status_code == 400
    other = signed_in(app, world.other_manager)
    token = csrf_token(other.get("/actions/mine").text)
    assert upload(other, action, jpeg_bytes(), "a.jpg", "image/jpeg", token).status_code == 404
    assert session.scalar(select(func.count()).select_from(CorrectiveActionEvidence)) == 0
    token = csrf_token(client.get(f"/actions/{action.id}").text)
    assert upload(client, action, jpeg_bytes((12, 8)), "a.jpg", "image/jpeg", token).status_code == 302
    assert session.scalar(select(CorrectiveActionEvidence.width)) == 12
