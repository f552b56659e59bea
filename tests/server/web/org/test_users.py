"""Admins list, create and edit users, reset passwords, revoke tokens, and deactivate users (which ends their access)."""

from __future__ import annotations

from server.models import Activity, ApiToken, Role, User
from tests.factories import PASSWORD
from tests.server.auth_helpers import api_login, bearer, new_client, web_login


def test_the_user_list_filters_by_role_and_active_state(as_admin, make):
    make.user("manager", name="Mona Manager")
    make.user("shopper", name="Sid Shopper")
    make.user("shopper", name="Gone Shopper", active=False)
    everyone = as_admin.get("/admin/users").text
    assert all(n in everyone for n in ("Mona Manager", "Sid Shopper", "Gone Shopper", "Ada Admin"))
    shoppers = as_admin.get("/admin/users?role=shopper&active=1").text
    assert "Sid Shopper" in shoppers and "Gone Shopper" not in shoppers and "Mona Manager" not in shoppers
    gone = as_admin.get("/admin/users?active=0").text
    assert "Gone Shopper" in gone and "Sid Shopper" not in gone
    assert as_admin.get("/admin/users?role=nonsense&active=maybe").status_code == 200


def test_an_admin_creates_a_manager_for_two_regions_who_can_then_sign_in(app, as_admin, make, session):
    north, south = make.region("North", "NOR"), make.region("South", "SOU")
    response = as_admin.post(
        "/admin/users/new",
        {
            "email": "Mo@Example.test",
            "name": "Mo",
            "role": "manager",
            "password": "a long enough password",
            "regions": [north.id, south.id],
        },
    )
    assert response.status_code == 302
    user = session.query(User).filter_by(email="mo@example.test").one()
    assert user.role is Role.MANAGER and {r.code for r in user.regions} == {"NOR", "SOU"}
    assert web_login(new_client(app), "mo@example.test", "a long enough password").status_code == 302
    assert session.query(Activity).filter_by(object_type="user", action="create").count() == 1


def test_a_short_password_is_refused_naming_the_field_keeping_the_other_fields_but_not_the_password(
    as_admin, make, session
):
    region = make.region("North", "NOR")
    response = as_admin.post(
        "/admin/users/new",
        {"email": "x@example.test", "name": "Xavier", "role": "manager", "password": "short", "regions": [region.id]},
    )
    assert response.status_code == 422 and 'id="password-error"' in response.text
    assert (
        'value="x@example.test"' in response.text
        and 'value="Xavier"' in response.text
        and 'value="short"' not in response.text
    )
    assert f'name="regions" value="{region.id}" checked>' in response.text
    assert session.query(User).filter_by(email="x@example.test").count() == 0


def test_a_duplicate_email_a_bad_role_and_regions_for_a_shopper_are_each_refused_by_field(as_admin, make):
    taken = make.user("shopper")
    region = make.region()
    cases = [
        ({"email": taken.email, "role": "shopper"}, "email-error"),
        ({"email": "new@example.test", "role": "boss"}, "role-error"),
        ({"email": "new@example.test", "role": "shopper", "regions": [region.id]}, "regions-error"),
        ({"email": "new@example.test", "role": "manager", "regions": ["999999"]}, "regions-error"),
        ({"email": "not an email", "role": "shopper"}, "email-error"),
    ]
    for fields, error in cases:
        response = as_admin.post("/admin/users/new", {"name": "N", "password": "a long enough password", **fields})
        assert response.status_code == 422 and f'id="{error}"' in response.text, fields


def test_an_admin_changes_a_shopper_into_a_manager_of_a_region(as_admin, make, session):
    user, region = make.user("shopper"), make.region("North", "NOR")
    response = as_admin.post(f"/admin/users/{user.id}", {"role": "manager", "regions": [region.id]})
    assert response.status_code == 302
    session.expire_all()
    edited = session.get(User, user.id)
    assert edited.role is Role.MANAGER and [r.code for r in edited.regions] == ["NOR"]
    assert "NOR" in as_admin.get("/admin/users").text


def test_an_admin_cannot_demote_themselves_or_give_regions_to_a_shopper(as_admin, admin, make):
    mine = as_admin.post(f"/admin/users/{admin.id}", {"role": "shopper"})
    assert mine.status_code == 422 and "You cannot take the admin role away from yourself." in mine.text
    shopper, region = make.user("shopper"), make.region()
    response = as_admin.post(f"/admin/users/{shopper.id}", {"role": "shopper", "regions": [region.id]})
    assert response.status_code == 422 and 'id="regions-error"' in response.text


def test_deactivating_a_user_ends_their_web_session_and_revokes_their_tokens(app, as_admin, make, session):
    shopper = make.user("shopper")
    browser = new_client(app)
    web_login(browser, shopper.email)
    assert browser.get("/").status_code == 200
    phone = new_client(app)
    token = api_login(phone, shopper.email).get_json()["token"]
    assert phone.get("/api/v1/sync/changes", headers=bearer(token)).status_code == 200

    as_admin.post(f"/admin/users/{shopper.id}/active", {"active": "0"})

    assert browser.get("/").status_code == 302
    assert phone.get("/api/v1/sync/changes", headers=bearer(token)).status_code == 401
    assert web_login(new_client(app), shopper.email).status_code != 302
    session.expire_all()
    assert session.query(ApiToken).filter(ApiToken.revoked_at.is_(None)).count() == 0
    assert "deactivated" in as_admin.get(f"/admin/users/{shopper.id}").text

    as_admin.post(f"/admin/users/{shopper.id}/active", {"active": "1"})
    assert web_login(new_client(app), shopper.email).status_code == 302


def test_an_admin_cannot_deactivate_themselves(as_admin, admin, session):
    response = as_admin.post(f"/admin/users/{admin.id}/active", {"active": "0"}, follow_redirects=True)
    assert "You cannot deactivate your own account." in response.text
    session.expire_all()
    assert session.get(User, admin.id).active is True


def test_an_admin_resets_a_password_which_signs_the_user_out(app, as_admin, make):
    shopper = make.user("shopper")
    browser = new_client(app)
    web_login(browser, shopper.email)
    response = as_admin.post(
        f"/admin/users/{shopper.id}/password", {"password": "brand new password", "confirm": "brand new password"}
    )
    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert web_login(new_client(app), shopper.email, PASSWORD).status_code != 302
    assert web_login(new_client(app), shopper.email, "brand new password").status_code == 302


def test_a_password_reset_with_a_mismatch_or_a_short_password_names_the_field(as_admin, make):
    shopper = make.user("shopper")
    mismatch = as_admin.post(
        f"/admin/users/{shopper.id}/password", {"password": "brand new password", "confirm": "other"}
    )
    assert mismatch.status_code == 422 and 'id="confirm-error"' in mismatch.text
    short = as_admin.post(f"/admin/users/{shopper.id}/password", {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.text


def test_a_users_page_lists_their_tokens_and_an_admin_revokes_one(app, as_admin, make, session):
    shopper = make.user("shopper")
    phone = new_client(app)
    token = api_login(phone, shopper.email, device_name="Pixel 7").get_json()["token"]
    page = as_admin.get(f"/admin/users/{shopper.id}").text
    stored = session.query(ApiToken).one()
    assert "Pixel 7" in page and stored.prefix in page and token not in page
    assert as_admin.post(f"/admin/users/{shopper.id}/tokens/{stored.id}/revoke").status_code == 302
    assert phone.get("/api/v1/sync/changes", headers=bearer(token)).status_code == 401
    assert "revoked" in as_admin.get(f"/admin/users/{shopper.id}").text


def test_a_token_cannot_be_revoked_through_another_users_page(as_admin, make, session):
    owner, other = make.user("shopper"), make.user("shopper")
    api_login(new_client(as_admin.client.application), owner.email)
    token = session.query(ApiToken).one()
    assert as_admin.post(f"/admin/users/{other.id}/tokens/{token.id}/revoke").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is None
