"""An admin signs a shopper's phone in from the user page: a POST (with CSRF) shows a one-time QR code and the code."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from server.models import Activity, EnrolmentCode
from tests.clients import new_client
from tests.server.web.org.conftest import sign_in_as

CODE = re.compile(r'id="enrolment-code">([A-Z0-9-]+)<')


def test_a_shoppers_page_offers_the_button_and_other_roles_do_not(as_admin, make):
    assert "Sign in a phone" in as_admin.get(f"/admin/users/{make.user('shopper').id}").text
    assert "Sign in a phone" not in as_admin.get(f"/admin/users/{make.user('manager').id}").text
    assert "Sign in a phone" not in as_admin.get(f"/admin/users/{make.user('shopper', active=False).id}").text


def test_the_page_shows_the_qr_svg_the_readable_code_and_the_server_which_the_phone_can_use(as_admin, make, app):
    shopper = make.user("shopper", name="Sam Shopper")
    response = as_admin.post(f"/admin/users/{shopper.id}/enrolment")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "<svg" in response.text and 'class="qr"' in response.text
    code = CODE.search(response.text).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    assert 'id="enrolment-server">http://localhost<' in response.text
    api = new_client(app).post("/api/v1/auth/enrolments", json={"code": code, "device_name": "Sam's phone"})
    assert api.status_code == 201 and api.json["user"]["id"] == shopper.id


def test_the_qr_code_holds_the_public_url_when_one_is_configured(as_admin, make, app, monkeypatch):
    app.config["PUBLIC_URL"] = "https://audit.example.org/"
    captured = {}
    import server.web.org.users as users

    real = users.svg_qr_code
    monkeypatch.setattr(
        users, "svg_qr_code", lambda text, title: captured.setdefault("link", text) and real(text, title)
    )
    page = as_admin.post(f"/admin/users/{make.user('shopper').id}/enrolment").text
    link = urlsplit(captured["link"])
    assert (link.scheme, link.netloc) == ("fieldaudit", "enrol")
    query = parse_qs(link.query)
    assert query["server"] == ["https://audit.example.org"]
    assert query["code"][0] == CODE.search(page).group(1).replace("-", "")


def test_the_code_is_made_only_by_a_post_with_the_csrf_token(as_admin, make, session):
    shopper = make.user("shopper")
    assert as_admin.get(f"/admin/users/{shopper.id}/enrolment").status_code == 405
    refused = as_admin.client.post(f"/admin/users/{shopper.id}/enrolment", data={})
    assert refused.status_code == 400
    assert session.query(EnrolmentCode).count() == 0


def test_managers_and_shoppers_cannot_make_codes(app, make, session):
    shopper = make.user("shopper")
    for role in ("manager", "shopper"):
        browser = sign_in_as(new_client(app), make.user(role))
        assert browser.post(f"/admin/users/{shopper.id}/enrolment").status_code == 403
    assert session.query(EnrolmentCode).count() == 0


def test_a_code_for_a_manager_or_a_deactivated_shopper_is_refused_with_a_message(as_admin, make, session):
    for user in (make.user("manager"), make.user("shopper", active=False)):
        response = as_admin.post(f"/admin/users/{user.id}/enrolment")
        assert response.status_code == 302
        page = as_admin.get(response.headers["Location"]).text
        assert "shoppers" in page or "deactivated" in page
    assert session.query(EnrolmentCode).count() == 0


def test_creating_a_code_is_logged_against_the_shopper_by_the_admin(as_admin, admin, make, session):
    shopper = make.user("shopper")
    as_admin.post(f"/admin/users/{shopper.id}/enrolment")
    entry = session.query(Activity).filter_by(action="enrolment_code_created").one()
    assert (entry.object_id, entry.actor_id) == (str(shopper.id), admin.id)


def test_a_name_with_markup_is_escaped_on_the_page_and_in_the_qr_title(as_admin, make):
    shopper = make.user("shopper", name="<script>alert(1)</script>")
    page = as_admin.post(f"/admin/users/{shopper.id}/enrolment").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
