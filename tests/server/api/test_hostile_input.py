"""Malformed, oversized and hostile input to the API gets a clear 4xx with field paths, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import bearer, new_client

TOKENS = "/api/v1/auth/tokens"


@pytest.fixture
def app_config(app_config):
    # Many attempts per test: keep the sign-in limit out of the way (it has its own tests).
    return {**app_config, "LOGIN_RATE_LIMIT": "100000 per minute", "MAX_CONTENT_LENGTH": 1024 * 1024}


def post_raw(client, data, content_type="application/json"):
    return client.post(TOKENS, data=data, content_type=content_type)


@pytest.mark.parametrize(
    "body,field",
    [
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
        ({"email": "a@example.test", "password": "x", "device_name": "phone\u202egnp.exe"}, "device_name"),
        ({"email": "a@example.test", "password": "x", "device_name": "bell\x07"}, "device_name"),
        ({"email": "a@example.test\u2066", "password": "x"}, "email"),
        ({"email": "a@example.test", "password": "x", "is_admin": True}, "is_admin"),
    ],
)
def test_invalid_sign_in_bodies_get_422_naming_the_field(client, body, field):
    response = client.post(TOKENS, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_a_lone_surrogate_is_refused_with_a_field_path(client):
    response = post_raw(client, '{"email": "a@example.test", "password": "\\ud800"}')
    assert response.status_code == 422
    assert "password" in response.json["errors"]


@pytest.mark.parametrize(
    "data", ["{", "not json", '{"email": "a@b.c",}', "\xff\xfe", "[" * 100_000, "{}" * 3, "null", "[]", '"text"', "42"]
)
def test_malformed_json_gets_a_4xx_not_a_500(client, data):
    response = post_raw(client, data.encode("latin-1") if data == "\xff\xfe" else data)
    assert 400 <= response.status_code < 500, (data[:20], response.status_code)
    assert response.json["status"] == response.status_code


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]
)
def test_a_wrong_content_type_gets_a_4xx(client, content_type):
    response = post_raw(client, '{"email": "a@example.test", "password": "x"}', content_type)
    assert 400 <= response.status_code < 500
    assert response.is_json


def test_a_body_over_the_size_limit_gets_413(client):
    response = post_raw(client, json.dumps({"email": "a@example.test", "password": "x" * (2 * 1024 * 1024)}))
    assert response.status_code == 413
    assert response.json["status"] == 413


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/auth/tokens/abc",
        "/api/v1/auth/tokens/-1",
        "/api/v1/auth/tokens/1.5",
        "/api/v1/auth/tokens/99999999999999999999999",
        "/api/v1/nothing-here",
    ],
)
def test_bad_ids_and_unknown_paths_get_404_in_json(client, make, session, path):
    _, token = issue_token(session, make.user(), "Phone")
    session.commit()
    response = client.delete(path, headers=bearer(token))
    assert response.status_code in (404, 405)
    assert response.is_json


def test_a_wrong_method_gets_405_in_json(client):
    response = client.put(TOKENS, json={})
    assert response.status_code == 405 and response.is_json


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
sign_in_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {}, optional={"email": json_values, "password": json_values, "device_name": json_values, "extra": json_values}
    ),
    st.fixed_dictionaries(
        {"email": st.text(max_size=400), "password": st.text(max_size=1100), "device_name": st.text(max_size=150)}
    ),
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


# Every route that reads a JSON body, and the payloads Python's json module turns into ValueError or
# RecursionError (500s before server.json_input); each must answer 400 with the error body of server/errors.py.
HUGE_INTEGER = '{"email": "a@example.test", "password": "x", "visits": [], "definition": ' + "7" * 4301 + "}"
DEEP_NESTING = '{"email": "a@example.test", "visits": [], "definition": ' + "[" * 100_000 + "]" * 100_000 + "}"
NESTED_TOO_DEEP = '{"email": "a@example.test", "visits": [], "definition": ' + "[" * 40 + "]" * 40 + "}"
HOSTILE_JSON = {
    "integer over 4,300 digits": (HUGE_INTEGER, "more than 4,300 digits"),
    "nesting that recurses": (DEEP_NESTING, "nested more than 32 levels"),
    "nesting past the limit": (NESTED_TOO_DEEP, "nested more than 32 levels"),
    "NaN": ('{"email": NaN, "visits": [], "definition": {}}', "NaN"),
    "Infinity": ('{"email": "a@example.test", "visits": [-Infinity]}', "-Infinity"),
}


@pytest.fixture
def json_routes(client, make, session):
    """name -> a function posting raw JSON text the way that route's real client does."""
    from tests.server.auth_helpers import csrf_token, web_login
    from tests.server.sync.helpers import assign, token_for
    from tests.server.web.checklists.helpers import draft_of

    shopper = make.user("shopper")
    assign(session, make, shopper=shopper)
    phone = token_for(session, shopper)
    version_id = draft_of(session).id
    admin = new_client(client.application)
    web_login(admin, make.user("admin").email)
    csrf = csrf_token(admin.get(f"/builder/versions/{version_id}").text)
    return {
        "sign-in /api/v1/auth/tokens": lambda body: post_raw(client, body),
        "push /api/v1/sync/push": lambda body: client.post(
            "/api/v1/sync/push", data=body, content_type="application/json", headers=bearer(phone)
        ),
        "builder live validate": lambda body: admin.post(
            f"/builder/versions/{version_id}/validate",
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": csrf},
        ),
    }


@pytest.mark.parametrize("payload", HOSTILE_JSON)
@pytest.mark.parametrize("route", ["sign-in /api/v1/auth/tokens", "push /api/v1/sync/push", "builder live validate"])
def test_huge_integers_deep_nesting_and_non_json_numbers_get_400_with_the_error_body_on_every_json_route(
    json_routes, route, payload
):
    body, reason = HOSTILE_JSON[payload]
    response = json_routes[route](body)
    assert response.status_code == 400, (route, payload, response.status_code, response.get_data()[:300])
    assert response.is_json and response.json["status"] == 400
    assert reason in response.json["message"] and "Traceback" not in response.text


@pytest.mark.parametrize("payload", HOSTILE_JSON)
def test_the_builder_import_names_the_file_for_huge_integers_and_deep_nesting(json_routes, client, make, payload):
    from tests.server.auth_helpers import web_login
    from tests.server.web.checklists.helpers import post

    web_login(client, make.user("admin").email)
    body, reason = HOSTILE_JSON[payload]
    response = post(
        client,
        "/builder/import",
        "/builder/import",
        {"file": (io.BytesIO(body.encode()), "checklist.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "this file" in response.text and reason in response.text


def test_an_integer_of_4300_digits_is_parsed_and_refused_by_its_field(client):
    response = post_raw(client, '{"email": ' + "7" * 4300 + ', "password": "x"}')
    assert response.status_code == 422 and "email" in response.json["errors"]


def test_nesting_up_to_the_limit_is_parsed_and_refused_by_its_field(client):
    response = post_raw(client, '{"email": "a@example.test", "password": ' + "[" * 31 + "]" * 31 + "}")
    assert response.status_code == 422 and "password" in response.json["errors"]
