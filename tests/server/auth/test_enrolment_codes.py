"""A phone signs in with a one-time code an admin created: once, for a few minutes, for one phone, logged."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from server.models import Activity, ApiToken, EnrolmentCode
from server.services.accounts import enrolment
from server.services.accounts.enrolment import (
    CODE_LENGTH,
    CodeRefused,
    create_enrolment_code,
    enrolment_link,
    hash_code,
    sign_in_with_code,
)
from server.services.accounts.users import AccountError
from server.services.errors import NotAllowed
from tests.clients import new_client
from tests.server.auth_helpers import api_login, bearer

ENROL = "/api/v1/auth/enrolments"


def new_code(session, make, shopper=None, **kwargs):
    admin = make.user("admin")
    issued = create_enrolment_code(session, admin, shopper or make.user("shopper"), **kwargs)
    session.commit()
    return issued


def test_a_code_gives_a_token_and_the_user_exactly_like_the_password_sign_in(client, session, make):
    shopper = make.user("shopper", name="Sam Shopper")
    issued = new_code(session, make, shopper)
    response = client.post(ENROL, json={"code": issued.readable.lower(), "device_name": "Sam's phone"})
    assert response.status_code == 201, response.json
    by_password = api_login(client, shopper.email).json
    assert set(response.json) == set(by_password)
    assert response.json["user"] == {"id": shopper.id, "email": shopper.email, "name": "Sam Shopper", "role": "shopper"}
    assert response.json["name"] == "Sam's phone"
    assert client.get("/api/v1/me", headers=bearer(response.json["token"])).json["id"] == shopper.id


def test_the_code_is_stored_only_as_its_hash_and_reads_in_groups_of_four(session, make):
    issued = new_code(session, make)
    assert len(issued.plaintext) == CODE_LENGTH and issued.readable.count("-") == 3
    row = session.get(EnrolmentCode, issued.row.id)
    assert row.code_hash == hash_code(issued.plaintext) and issued.plaintext not in row.code_hash


def test_a_used_code_is_refused_the_second_time_naming_the_field_code(client, session, make):
    issued = new_code(session, make)
    assert client.post(ENROL, json={"code": issued.plaintext}).status_code == 201
    again = client.post(ENROL, json={"code": issued.plaintext, "device_name": "Another phone"})
    assert again.status_code == 401
    assert again.json["reason"] == "code_used" and "used already" in again.json["errors"]["code"][0]
    assert session.query(ApiToken).count() == 1


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKMN-PQRS", "x" * 64, "é"])
def test_an_unknown_code_is_refused_with_401_naming_code(client, make, code):
    response = client.post(ENROL, json={"code": code})
    assert response.status_code == 401
    assert response.json["reason"] == "code_unknown" and "not known" in response.json["errors"]["code"][0]


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "A" * 65}, {"code": 12}])
def test_a_missing_or_malformed_code_is_a_4xx_naming_code(client, body):
    response = client.post(ENROL, json=body)
    assert response.status_code == 422 and "code" in response.json["errors"]


def test_an_expired_code_is_refused(client, session, make):
    issued = new_code(session, make, lifetime=timedelta(seconds=-1))
    response = client.post(ENROL, json={"code": issued.plaintext})
    assert response.status_code == 401 and response.json["reason"] == "code_expired"
    assert "expired" in response.json["message"]


def test_the_lifetime_comes_from_the_configured_minutes(session, make, app):
    app.config["ENROLMENT_LIFETIME"] = timedelta(minutes=3)
    issued = new_code(session, make)
    assert issued.row.expires_at - issued.row.created_at == timedelta(minutes=3)


def test_a_new_code_replaces_the_unused_one(client, session, make):
    shopper = make.user("shopper")
    first = new_code(session, make, shopper)
    second = new_code(session, make, shopper)
    old = client.post(ENROL, json={"code": first.plaintext})
    assert old.status_code == 401 and old.json["reason"] == "code_replaced"
    assert client.post(ENROL, json={"code": second.plaintext}).status_code == 201


def test_a_code_of_a_deactivated_shopper_is_refused(client, session, make):
    shopper = make.user("shopper")
    issued = new_code(session, make, shopper)
    shopper.active = False
    session.commit()
    response = client.post(ENROL, json={"code": issued.plaintext})
    assert response.status_code == 401 and response.json["reason"] == "inactive"


def test_only_admins_create_codes_and_only_for_active_shoppers(session, make):
    admin, shopper = make.user("admin"), make.user("shopper")
    for actor in (make.user("manager"), make.user("shopper")):
        with pytest.raises(NotAllowed):
            create_enrolment_code(session, actor, shopper)
    for user in (make.user("manager"), make.user("admin"), make.user("shopper", active=False)):
        with pytest.raises(AccountError) as refused:
            create_enrolment_code(session, admin, user)
        assert refused.value.field == "user"


def test_a_shopper_with_a_second_factor_or_a_temporary_password_enrols_with_the_code_alone(client, session, make):
    shopper = make.user("shopper", mfa=True, temporary=True)
    issued = new_code(session, make, shopper)
    response = client.post(ENROL, json={"code": issued.plaintext})
    assert response.status_code == 201
    assert client.get("/api/v1/me", headers=bearer(response.json["token"])).status_code == 200


def test_creating_and_using_a_code_are_logged_without_the_code(client, session, make):
    shopper = make.user("shopper")
    issued = new_code(session, make, shopper)
    client.post(ENROL, json={"code": issued.plaintext, "device_name": "Sam's phone"})
    entries = {a.action: a for a in session.query(Activity).filter_by(object_type="user", object_id=str(shopper.id))}
    assert {"enrolment_code_created", "enrolment_code_used", "token_issued", "sign_in"} <= set(entries)
    assert entries["enrolment_code_created"].actor_id != shopper.id
    assert (
        entries["enrolment_code_used"].actor_id == shopper.id
        and "Sam's phone" in entries["enrolment_code_used"].summary
    )
    assert all(issued.plaintext not in (a.summary or "") for a in entries.values())


def test_a_phone_that_checked_the_code_before_another_phone_spent_it_loses_at_the_update(session, make, monkeypatch):
    issued = new_code(session, make)
    sign_in_with_code(session, code=issued.plaintext, device_name="First", client=enrolment.Client())
    session.commit()
    monkeypatch.setattr(enrolment, "code_problem", lambda row, now: None)  # as if read before the first commit
    with pytest.raises(CodeRefused) as refused:
        sign_in_with_code(session, code=issued.plaintext, device_name="Second", client=enrolment.Client())
    assert refused.value.reason == "code_used"


def test_two_phones_using_one_code_at_once_get_one_token_between_them(app, session, make):
    issued = new_code(session, make)
    barrier, answers = threading.Barrier(2), []

    def phone(name):
        browser = new_client(app)
        barrier.wait()
        answers.append(browser.post(ENROL, json={"code": issued.plaintext, "device_name": name}).status_code)

    threads = [threading.Thread(target=phone, args=(f"Phone {n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [201, 401]
    assert session.query(ApiToken).count() == 1


def test_the_link_names_the_server_and_the_code():
    link = enrolment_link("https://audit.example.org/", "ABCDEFGHJKMNPQRS")
    assert link == "fieldaudit://enrol?server=https%3A%2F%2Faudit.example.org&code=ABCDEFGHJKMNPQRS"


def test_the_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/auth/enrolments"]["post"]
    assert {"201", "401", "429"} <= set(operation["responses"])
