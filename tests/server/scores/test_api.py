"""The score endpoints over HTTP: numbers as the services compute them, who may ask, and 422s for bad filters."""

from __future__ import annotations

import pytest

from tests.server.scores.api_world import ACTORS, ALLOWED, build
from tests.server.scores.world import query


@pytest.fixture
def api(session, make):
    return build(session, make)


def test_every_endpoint_answers_each_role_as_the_permission_rules_say(client, api):
    for name, url in api.urls().items():
        params = query() if "visits/" not in url else {}
        answers = {
            actor: client.get(url, query_string=params, headers=api.headers[actor]).status_code for actor in ACTORS
        }
        assert answers == ALLOWED, name


def test_a_foreign_or_unknown_id_answers_404_never_data(client, api):
    manager = api.headers["manager of the region"]
    for url in (
        f"/api/v1/scores/regions/{api.other_region.id}/league",
        f"/api/v1/scores/branches/{api.far_branch.id}/trend",
        "/api/v1/scores/branches/999999/sections",
        "/api/v1/scores/regions/99999999999/league",
        "/api/v1/reports/visits/not-a-uuid.pdf",
    ):
        response = client.get(url, headers=manager)
        assert response.status_code == 404, url
        assert "branches" not in response.json and "buckets" not in response.json


def test_the_region_list_shows_a_manager_only_their_regions(client, api):
    mine = client.get("/api/v1/scores/regions", query_string=query(), headers=api.headers["manager of the region"])
    every = client.get("/api/v1/scores/regions", query_string=query(), headers=api.headers["admin"])
    assert [(r["name"], r["score"], r["visits"]) for r in mine.json["regions"]] == [("Here", 55.33, 9)]
    assert [r["name"] for r in every.json["regions"]] == ["Here", "There"]
    assert client.get("/api/v1/scores/regions", headers=api.headers["shopper"]).status_code == 403


def test_the_league_endpoint_returns_the_hand_computed_table(client, api):
    body = client.get(
        f"/api/v1/scores/regions/{api.region.id}/league", query_string=query(), headers=api.headers["admin"]
    ).json
    assert body["region"] == {"id": api.region.id, "code": api.region.code, "name": "Here"}
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31", "days": 31}
    assert body["previous_period"] == {"from": "2026-01-29", "to": "2026-02-28", "days": 31}
    assert body["score"] == 55.33  # (94 + 72 + 0) / 3
    assert [(s["code"], s["rank"], s["score"], s["visits"], s["rank_uncertain"]) for s in body["branches"]] == [
        ("A", 1, 94.0, 5, False),
        ("B", 2, 72.0, 3, True),
        ("V", 3, 0.0, 1, True),
    ]
    a, b, v = body["branches"]
    assert (a["ci_low"], a["ci_high"], b["ci_low"], b["ci_high"], v["ci_low"]) == (90.07, 97.93, 67.03, 76.97, None)
    assert a["change"] is None and a["previous_score"] is None and v["critical_failures"] == 1


def test_trend_sections_questions_and_failures_come_back_as_json(client, api):
    admin, b = api.headers["admin"], api.branch.id
    trend = client.get(f"/api/v1/scores/branches/{b}/trend", query_string=query(by="week"), headers=admin).json
    assert trend["by"] == "week" and trend["branch"]["code"] == "A"
    assert [(t["label"], t["visits"], t["score"]) for t in trend["buckets"]] == [
        ("2026-W09", 0, None),
        ("2026-W10", 5, 94.0),
        ("2026-W11", 0, None),
        ("2026-W12", 0, None),
        ("2026-W13", 0, None),
        ("2026-W14", 0, None),
    ]
    sections = client.get(f"/api/v1/scores/branches/{b}/sections", query_string=query(), headers=admin).json
    # region front: (A 90 + B 70 + V 83.33) / 3; till: only V (0, its failed critical item)
    assert [
        (s["key"], s["branch_percent"], s["region_percent"], s["region_branches"]) for s in sections["sections"]
    ] == [("front", 90.0, 81.11, 3), ("till", None, 0.0, 1)]
    v = api.visit_branch.id
    questions = client.get(f"/api/v1/scores/branches/{v}/questions", query_string=query(), headers=admin).json
    assert [(q["key"], q["rate"]) for q in questions["questions"]] == [
        ("price_ok", 0.0),
        ("clean", 75.0),
        ("greeted", 100.0),
    ]
    failures = client.get(f"/api/v1/scores/branches/{v}/critical-failures", query_string=query(), headers=admin).json
    assert failures["total"] == 1
    assert failures["failures"][0]["visit_id"] == str(api.visit.id)
    assert failures["failures"][0]["comment"] == "Shelf 2.49, till 2.99"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "from"),
        ({"from": "1900-01-01", "to": "2026-01-01"}, "from"),
        ({"template_id": "abc"}, "template_id"),
        ({"template_id": "0"}, "template_id"),
        ({"template_id": "424242"}, "template_id"),
        ({"from": "2999-01-01"}, "from"),
        ({"from": "0001-01-01", "to": "2026-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"to": "0001-01-01"}, "to"),
    ],
)
def test_bad_filters_answer_422_naming_the_field(client, api, params, field):
    for url in (
        f"/api/v1/scores/regions/{api.region.id}/league",
        f"/api/v1/scores/branches/{api.branch.id}/questions",
        f"/api/v1/reports/regions/{api.region.id}.pdf",
    ):
        response = client.get(url, query_string=params, headers=api.headers["admin"])
        assert response.status_code == 422, url
        assert list(response.json["errors"]) == [field], url


def test_an_unknown_bucket_answers_422(client, api):
    response = client.get(
        f"/api/v1/scores/branches/{api.branch.id}/trend", query_string={"by": "year"}, headers=api.headers["admin"]
    )
    assert response.status_code == 422 and list(response.json["errors"]) == ["by"]


def test_the_endpoints_and_their_method_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/scores/regions/{region_id}/league",
        "/api/v1/scores/branches/{branch_id}/trend",
        "/api/v1/scores/branches/{branch_id}/critical-failures",
        "/api/v1/reports/regions/{region_id}.pdf",
    ):
        assert path in spec["paths"], path
    league = spec["paths"]["/api/v1/scores/regions/{region_id}/league"]["get"]
    assert "interval" in league["description"] and {p["name"] for p in league["parameters"]} >= {"from", "to"}
    assert (
        "application/pdf"
        in spec["paths"]["/api/v1/reports/regions/{region_id}.pdf"]["get"]["responses"]["200"]["content"]
    )
