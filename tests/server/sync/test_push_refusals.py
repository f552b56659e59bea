"""Pushes the server refuses: clear 4xx or `invalid` with field paths, and nothing stored."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from server.services.accounts.tokens import issue_token, revoke_token
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import (
    PHOTO_CHECKLIST,
    PUSH,
    assign,
    counts,
    photo_entry,
    push,
    snapshot,
    token_for,
    visit_doc,
)


def refused(client, session, token, doc, *, status=200) -> dict:
    """Push one visit that must be refused; checks nothing was stored and returns the result or error body."""
    before = counts(session)
    answer = push(client, token, doc, status=status)
    assert counts(session) == before
    if status != 200:
        return answer.json
    [result] = answer
    return result


def test_another_shoppers_assignment_is_invalid_naming_the_assignment(client, session, make, phone):
    foreign = assign(session, make)
    result = refused(client, session, phone.token, visit_doc(foreign))
    assert result["result"] == "invalid"
    assert result["errors"] == {"assignment_id": [f"there is no assignment {foreign.id} for this shopper"]}


def test_an_id_taken_by_another_shoppers_visit_is_a_conflict_that_says_nothing_about_it(client, session, make, phone):
    other = make.user("shopper")
    theirs = visit_doc(assign(session, make, shopper=other))
    push(client, token_for(session, other), theirs)
    stored = snapshot(session, theirs["id"])
    result = refused(client, session, phone.token, visit_doc(phone.assignment, id=theirs["id"]))
    assert set(result) == {"id", "result", "message"} and result["result"] == "conflict"
    assert str(other.id) not in result["message"] and "revision" not in result
    assert snapshot(session, theirs["id"]) == stored


def test_the_same_content_from_another_shopper_is_still_a_conflict(client, session, make, phone):
    doc = visit_doc(phone.assignment)
    push(client, phone.token, doc)
    intruder = make.user("shopper")
    result = refused(client, session, token_for(session, intruder), doc)
    assert result == {"id": doc["id"], "result": "conflict", "message": result["message"]}


@pytest.mark.parametrize(
    "version, message", [(999_999, "there is no checklist version 999999"), (10**15, "there is no checklist version")]
)
def test_an_unknown_template_version_is_invalid(client, session, phone, version, message):
    result = refused(client, session, phone.token, visit_doc(phone.assignment, template_version_id=version))
    assert result["errors"]["template_version_id"][0].startswith(message)


def test_a_draft_version_is_invalid(client, session, make, phone):
    draft = make.template(published=False).versions[0]
    result = refused(client, session, phone.token, visit_doc(phone.assignment, template_version_id=draft.id))
    assert "is a draft, not published" in result["errors"]["template_version_id"][0]


def test_an_ad_hoc_visit_to_a_branch_the_shopper_never_worked_at_names_the_branch(client, session, make, phone):
    adhoc = make.template({**SMALL_CHECKLIST, "allow_adhoc": True})
    doc = visit_doc(
        phone.assignment, assignment_id=None, template_version_id=adhoc.versions[0].id, branch_id=make.branch().id
    )
    result = refused(client, session, phone.token, doc)
    assert list(result["errors"]) == ["branch_id"]


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_do_not_push_visits(client, session, make, phone, role):
    answer = refused(client, session, token_for(session, make.user(role)), visit_doc(phone.assignment), status=403)
    assert answer["message"] == "Only shoppers push visits."


@pytest.mark.parametrize("problem", ["expired", "revoked"])
def test_an_expired_or_revoked_token_is_a_401_with_the_reason(client, session, phone, problem):
    token, plaintext = issue_token(
        session, phone.shopper, "Old phone", lifetime=timedelta(seconds=-1) if problem == "expired" else None
    )
    if problem == "revoked":
        revoke_token(session, phone.shopper, token.id)
    session.commit()
    answer = refused(client, session, plaintext, visit_doc(phone.assignment), status=401)
    assert answer["reason"] == f"token_{problem}"


def test_no_token_is_a_401(client, session, phone):
    response = client.post(PUSH, json={"visits": [visit_doc(phone.assignment)]})
    assert (response.status_code, response.json["reason"]) == (401, "token_missing")


def test_more_visits_than_the_limit_is_a_413_naming_it_and_stores_nothing(client, session, phone, app):
    app.config["SYNC_MAX_VISITS"] = 2
    docs = [visit_doc(phone.assignment) for _ in range(3)]
    before = counts(session)
    response = client.post(PUSH, json={"visits": docs}, headers=bearer(phone.token))
    assert response.status_code == 413
    assert "at most 2 visits (SYNC_MAX_VISITS)" in response.json["message"]
    assert response.json["errors"]["visits"] == [response.json["message"]]
    assert counts(session) == before


def test_a_body_over_the_byte_limit_is_a_413_naming_it_and_stores_nothing(client, session, phone, app):
    app.config["SYNC_MAX_BYTES"] = 2000
    doc = visit_doc(phone.assignment, answers=[{"question": "notes", "value": "x" * 3000}])
    before = counts(session)
    response = client.post(PUSH, json={"visits": [doc]}, headers=bearer(phone.token))
    assert response.status_code == 413
    assert "at most 2000 bytes (SYNC_MAX_BYTES)" in response.json["message"]
    assert counts(session) == before


def test_a_streamed_body_without_content_length_is_held_to_the_byte_limit(client, session, phone, app):
    app.config["SYNC_MAX_BYTES"] = 2000
    body = ('{"visits": [{"id": "' + "x" * 5000 + '"}]}').encode()
    response = client.post(
        PUSH,
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**bearer(phone.token), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "SYNC_MAX_BYTES" in response.json["message"]


def test_a_photo_over_the_upload_limit_is_refused_at_push_so_no_visit_waits_for_it_forever(
    client, session, make, phone, app
):
    app.config["PHOTO_MAX_BYTES"] = 1000
    doc = visit_doc(
        assign(session, make, shopper=phone.shopper, template=make.template(PHOTO_CHECKLIST)), photos=[photo_entry()]
    )
    result = refused(client, session, phone.token, doc)
    assert result["result"] == "invalid"
    assert result["errors"] == {"photos[0].size": ["photo 1: 1,234 bytes is over the 1,000-byte limit for one photo"]}


def test_a_photo_type_the_upload_would_refuse_is_refused_at_push(client, session, make, phone):
    doc = visit_doc(
        assign(session, make, shopper=phone.shopper, template=make.template(PHOTO_CHECKLIST)),
        photos=[{**photo_entry(), "content_type": "image/gif"}],
    )
    result = refused(client, session, phone.token, doc)
    assert result["result"] == "invalid"
    assert list(result["errors"]) == ["photos[0].content_type"]
