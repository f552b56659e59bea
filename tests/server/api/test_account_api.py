"""The phone's sign-in API: tokens issued, listed and revoked over HTTP, and /me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.models import ApiToken
from server.models.types import utcnow
from server.services.accounts.tokens import issue_token
from server.services.accounts.users import deactivate_user, set_password
from tests.server.auth_helpers import api_login, bearer, web_login


def test_the_phone_signs_in_and_gets_a_token_once(client, make, session):
    user = make.user(name="Ada Shopper")
    response = api_login(client, user.email, device_name="Ada's Pixel")
    assert response.status_code == 201
    body = response.json
    assert body["token"].startswith("fa_")
    assert body["user"] == {"id": user.id, "email": user.email, "name": "Ada Shopper", "role": "shopper"}
    assert body["name"] == "Ada's Pixel"
    assert body["expires_at"]
    stored = session.scalar(select(ApiToken).where(ApiToken.id == body["id"]))
    assert stored.user_id == user.id and body["token"] != stored.token_hash


def test_wrong_credentials_get_401_with_one_message_for_unknown_email_and_wrong_password(client, make):
    user = make.user()
    for email, password in ((user.email, "wrong password"), ("nobody@example.test", "whatever")):
        response = api_login(client, email, password)
        assert response.status_code == 401
        assert response.json["message"] == "Email or password is incorrect."
        assert "token" not in response.json


def test_a_deactivated_user_cannot_get_a_token(client, make):
    assert api_login(client, make.user(active=False).email).status_code == 401


def test_a_token_opens_me_and_shows_role_and_regions(client, make):
    north, south = make.region("North"), make.region("South")
    manager = make.user("manager", regions=[north])
    token = api_login(client, manager.email).json["token"]
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    me = response.json
    assert (me["id"], me["role"], me["scope"], me["can_manage"]) == (manager.id, "manager", "regions", False)
    assert me["regions"] == [{"id": north.id, "code": north.code, "name": "North"}]
    assert south.id not in [r["id"] for r in me["regions"]]


@pytest.mark.parametrize(
    "role,scope,manage,all_regions", [("admin", "all", True, True), ("shopper", "own", False, False)]
)
def test_me_says_how_far_each_role_sees(client, make, session, role, scope, manage, all_regions):
    make.region("North"), make.region("South")
    _, token = issue_token(session, make.user(role), "Phone")
    session.commit()
    me = client.get("/api/v1/me", headers=bearer(token)).json
    assert (me["scope"], me["can_manage"]) == (scope, manage)
    assert len(me["regions"]) == (2 if all_regions else 0)


def test_without_a_token_the_api_answers_401_in_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["reason"] == "token_missing"
    assert "Bearer" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "header", ["Bearer fa_madeup", "Bearer", "Basic dXNlcjpwYXNz", "fa_nobearer", "Bearer " + "x" * 5000]
)
def test_an_invalid_authorization_header_answers_401(client, make, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["status"] == 401


def test_an_expired_token_answers_401_saying_so(client, make, session):
    token, plaintext = issue_token(session, make.user(), "Phone")
    token.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.get("/api/v1/me", headers=bearer(plaintext))
    assert response.status_code == 401
    assert response.json["reason"] == "token_expired"
    assert "expired" in response.json["message"]


def test_the_caller_lists_their_tokens_without_secrets(client, make, session):
    user = make.user()
    _, other_token = issue_token(session, make.user(), "Not mine")
    old, _ = issue_token(session, user, "Old phone")
    session.commit()
    current = api_login(client, user.email, device_name="New phone").json
    response = client.get("/api/v1/auth/tokens", headers=bearer(current["token"]))
    assert response.status_code == 200
    listed = response.json
    assert [t["name"] for t in listed] == ["New phone", "Old phone"]
    assert [t["current"] for t in listed] == [True, False]
    assert set(listed[0]) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at", "current"}
    assert current["token"].startswith(listed[0]["prefix"])
    assert current["token"] not in response.text and old.token_hash not in response.text


def test_revoking_a_token_makes_it_answer_401(client, make, session):
    user = make.user()
    token = api_login(client, user.email).json
    response = client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=bearer(token["token"]))
    assert response.status_code == 204
    response = client.get("/api/v1/me", headers=bearer(token["token"]))
    assert response.status_code == 401 and response.json["reason"] == "token_revoked"


def test_another_users_token_id_answers_404_and_stays_valid(client, make, session):
    victim_token, victim_plaintext = issue_token(session, make.user(), "Victim's phone")
    _, mine = issue_token(session, make.user(), "My phone")
    session.commit()
    for token_id in (victim_token.id, 999999, 2**31, 10**30):
        response = client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(mine))
        assert response.status_code == 404, token_id
    assert client.get("/api/v1/me", headers=bearer(victim_plaintext)).status_code == 200


def test_an_admin_revokes_another_users_token(client, make, session):
    _, victim = issue_token(session, make.user(), "Lost phone")
    victim_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "Lost phone"))
    _, admin = issue_token(session, make.user("admin"), "Admin laptop")
    session.commit()
    assert client.delete(f"/api/v1/auth/tokens/{victim_id}", headers=bearer(admin)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(victim)).status_code == 401


def test_deactivating_a_user_makes_their_tokens_stop_working(client, make, session):
    user = make.user()
    token = api_login(client, user.email).json["token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    deactivate_user(session, user)
    session.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401


def test_changing_the_password_revokes_every_phone_token(client, make, session):
    user = make.user()
    token = api_login(client, user.email).json["token"]
    change = set_password(session, user, "a brand new password")
    session.commit()
    assert change.tokens_revoked == 1
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and response.json["reason"] == "token_revoked"


def test_token_use_is_recorded(client, make, session):
    token, plaintext = issue_token(session, make.user(), "Phone")
    session.commit()
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=bearer(plaintext))
    session.rollback()
    assert token.last_used_at is not None


def test_the_api_ignores_the_web_session_cookie(client, make):
    """The API is CSRF-exempt, so a browser's cookie alone must never authenticate it."""
    user = make.user("admin")
    web_login(client, user.email)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_api_endpoints_need_no_csrf_token_with_a_bearer_token(client, make, session):
    token, plaintext = issue_token(session, make.user(), "Phone")
    session.commit()
    assert client.delete(f"/api/v1/auth/tokens/{token.id}", headers=bearer(plaintext)).status_code == 204


def test_the_openapi_document_describes_these_endpoints_and_the_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/auth/tokens"])
    assert "delete" in paths["/api/v1/auth/tokens/{token_id}"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/v1/auth/tokens"]["post"]["security"] == []
    request_schema = spec["components"]["schemas"]["TokenRequest"]["properties"]
    assert request_schema["email"]["maxLength"] == 254


def test_me_carries_the_settings_the_phone_app_follows(client, make, session):
    from server.services.org.settings import save_settings

    _, token = issue_token(session, make.user("shopper"), "Phone")
    session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).json["phone_settings"] == {"show_score_preview": False}
    save_settings(session, make.user("admin"), {"show_score_preview": True})
    session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).json["phone_settings"] == {"show_score_preview": True}
