"""Malformed, oversized and hostile input to the API gets a clear 4xx with field paths, never a 500."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.tokens import issue_token
from tests.server.auth_helpers import bearer

TOKENS = "/api/v1/auth/tokens"


@pytest.fixture
def app_config(app_config):
    # Many attempts per test: keep the sign-in limit out of the way (it has its own tests).
    return {**app_config, "LOGIN_RATE_LIMIT": "100000 per minute", "MAX_CONTENT_LENGTH": 1024 * 1024}


def post_raw(client, data, content_type="application/json"):
    return client.post(TOKENS, data=data, content_type=content_type)


@pytest.mark.parametrize("body,field", [
    ({}, "email"),
    ({"email": "a@example.test"}, "password"),
    ({"email": 42, "password": "x"}, "email"),
    ({"email": ["a@example.test"], "password": "x"}, "email"),
    ({"email": None, "password": "x"}, "email"),
    ({"email": "a@example.test", "password": {"$ne": ""}}, "password"),
    ({"email": "x" * 255, "password": "x"}, "email"),
    ({"email": "a@example.test", "password": "x" * 1025}, "password"),
    ({"email": "a@example.test", "password": "x", "device_name": "d" * 121}, "device_name"),
    ({"email": "a@example.test", "password": "x", "device_name": ""}, "device_name"),
    ({"email": "a\x00@example.test", "password": "x"}, "email"),
    ({"email": "a@example.test", "password": "x\x00"}, "password"),
    ({"email": "a@example.test", "password": "x", "device_name": "evil\nname"}, "device_name"),
    ({"email": "a@example.test", "password": "x", "is_admin": True}, "is_admin"),
])
def test_invalid_sign_in_bodies_get_422_naming_the_field(client, body, field):
    response = client.post(TOKENS, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_a_lone_surrogate_is_refused_with_a_field_path(client):
    response = post_raw(client, '{"email": "a@example.test", "password": "\\ud800"}')
    assert response.status_code == 422
    assert "password" in response.json["errors"]


@pytest.mark.parametrize("data", ["{", "not json", '{"email": "a@b.c",}', "\xff\xfe", "[" * 100_000, "{}" * 3, "null", "[]", '"text"', "42"])
def test_malformed_json_gets_a_4xx_not_a_500(client, data):
    response = post_raw(client, data.encode("latin-1") if data == "\xff\xfe" else data)
    assert 400 <= response.status_code < 500, (data[:20], response.status_code)
    assert response.json["status"] == response.status_code


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])
def test_a_wrong_content_type_gets_a_4xx(client, content_type):
    response = post_raw(client, '{"email": "a@example.test", "password": "x"}', content_type)
    assert 400 <= response.status_code < 500
    assert response.is_json


def test_a_body_over_the_size_limit_gets_413(client):
    response = post_raw(client, json.dumps({"email": "a@example.test", "password": "x" * (2 * 1024 * 1024)}))
    assert response.status_code == 413
    assert response.json["status"] == 413


@pytest.mark.parametrize("path", ["/api/v1/auth/tokens/abc", "/api/v1/auth/tokens/-1", "/api/v1/auth/tokens/1.5",
                                  "/api/v1/auth/tokens/99999999999999999999999", "/api/v1/nothing-here"])
def test_bad_ids_and_unknown_paths_get_404_in_json(client, make, session, path):
    _, token = issue_token(session, make.user(), "Phone")
    response = client.delete(path, headers=bearer(token))
    assert response.status_code in (404, 405)
    assert response.is_json


def test_a_wrong_method_gets_405_in_json(client):
    response = client.put(TOKENS, json={})
    assert response.status_code == 405 and response.is_json


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
sign_in_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"email": json_values, "password": json_values, "device_name": json_values,
                                        "extra": json_values}),
    st.fixed_dictionaries({"email": st.text(max_size=400), "password": st.text(max_size=1100),
                           "device_name": st.text(max_size=150)}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=sign_in_bodies)
def test_any_json_body_to_sign_in_gets_401_or_422_never_a_500(client, body):
    response = post_raw(client, json.dumps(body))
    assert response.status_code in (401, 422), (body, response.status_code, response.get_data()[:300])
    if response.status_code == 422:
        assert response.json["errors"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.text(max_size=200).filter(lambda h: "\n" not in h and "\r" not in h))
def test_any_authorization_header_gets_a_401_never_a_500(client, header):
    try:
        header.encode("latin-1")
    except UnicodeEncodeError:
        header = header.encode("utf-8", "replace").decode("latin-1")
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
