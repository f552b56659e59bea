"""Malformed and hostile pushes get a clear 4xx, or `invalid` with field paths, never a 500 and nothing half-written."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import PUSH, counts, visit_doc


def post_raw(client, token, data, content_type="application/json"):
    return client.post(PUSH, data=data, content_type=content_type, headers=bearer(token))


@pytest.mark.parametrize(
    "data",
    [
        "{",
        "not json",
        '{"visits": [],}',
        "\xff\xfe",
        "[" * 100_000,
        '{"visits": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "null",
        "[]",
        '"text"',
        "42",
        "{}",
        '{"visits": {}}',
        '{"visits": "all"}',
        '{"visits": [], "extra": 1}',
    ],
)
def test_a_body_that_is_not_a_batch_gets_a_4xx_with_the_error_shape(client, session, phone, data):
    before = counts(session)
    response = post_raw(client, phone.token, data.encode("latin-1") if data == "\xff\xfe" else data)
    assert 400 <= response.status_code < 500, (data[:30], response.status_code)
    assert response.json["status"] == response.status_code
    assert counts(session) == before


def test_a_batch_missing_its_visits_names_the_field(client, phone):
    response = post_raw(client, phone.token, "{}")
    assert response.status_code == 422 and "visits" in response.json["errors"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_wrong_content_type_gets_a_4xx(client, phone, content_type):
    response = post_raw(client, phone.token, json.dumps({"visits": []}), content_type)
    assert 400 <= response.status_code < 500 and response.is_json


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"id": 12345}, "id"),
        ({"template_version_id": "7"}, "template_version_id"),
        ({"branch_id": True}, "branch_id"),
        ({"started_at": "2026-03-02T09:14:03"}, "started_at"),
        ({"location": {"lat": 1e308, "lon": 0}}, "location.lat"),
        ({"answers": "all yes"}, "answers"),
        ({"answers": [{"question": "x" * 10_000, "value": 1}]}, "answers[0].question"),
        ({"answers": [{"question": "notes", "value": "y" * 20_000}]}, "answers[0].value"),
        ({"answers": [{"question": "notes", "value": {"$gt": ""}}]}, "answers[0].value"),
        ({"answers": [{"question": "notes", "value": [[[[[[]]]]]]}]}, "answers[0].value"),
        ({"photos": [{"id": "x"}] * 501}, "photos"),
        ({"is_admin": True}, "is_admin"),
        ({"base_revision": -1}, "base_revision"),
        ({"assignment_id": "../../etc"}, "assignment_id"),
    ],
)
def test_wrong_types_and_huge_or_hostile_values_are_invalid_with_field_paths(client, session, phone, changes, path):
    before = counts(session)
    response = client.post(PUSH, json={"visits": [visit_doc(phone.assignment, **changes)]}, headers=bearer(phone.token))
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["result"] == "invalid" and path in result["errors"], result
    assert counts(session) == before
    assert "y" * 100 not in json.dumps(result)  # over-long input is never echoed


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "\u202e<script>alert(1)</script>", "x" * 10_000])
def test_odd_text_in_an_answer_is_stored_exactly_or_refused_never_a_500(client, session, phone, text):
    doc = visit_doc(phone.assignment)
    doc["answers"][3]["value"] = text
    body = json.dumps({"visits": [doc]})  # lone surrogates travel as JSON escapes, as a client would send them
    response = post_raw(client, phone.token, body)
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["result"] in ("created", "invalid"), result
    if result["result"] == "invalid":
        assert "answers[3].value" in result["errors"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(
        [
            "id",
            "template_version_id",
            "assignment_id",
            "branch_id",
            "started_at",
            "location",
            "base_revision",
            "answers",
            "photos",
        ]
    ),
    value=json_values,
)
def test_any_json_in_any_field_never_makes_a_500(client, phone, field, value):
    response = client.post(
        PUSH, json={"visits": [visit_doc(phone.assignment, **{field: value})]}, headers=bearer(phone.token)
    )
    assert response.status_code == 200
    assert response.json["results"][0]["result"] in ("created", "invalid")


@pytest.mark.parametrize(
    "field, text",
    [("value", "fine\u202eenif"), ("value", "ring\x07"), ("comment", "\u2067hidden"), ("comment", "esc\x1b[2J")],
)
def test_bidi_overrides_and_control_characters_in_answers_are_invalid_naming_the_field(
    client, session, phone, field, text
):
    before = counts(session)
    doc = visit_doc(phone.assignment)
    doc["answers"][3][field] = text
    [result] = client.post(PUSH, json={"visits": [doc]}, headers=bearer(phone.token)).json["results"]
    assert result["result"] == "invalid" and f"answers[3].{field}" in result["errors"], result
    assert counts(session) == before
