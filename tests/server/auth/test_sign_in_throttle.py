"""Failed sign-ins are throttled per (email, address) tightly and per email loosely with back-off; successes do
not count; the owner's known device or usual network is not locked out by someone else's failures; every 429
says when to come back; the counts live in the database, so every worker sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.models import Activity, SignInCounter
from server.models.types import utcnow
from server.services.accounts.sign_in_throttle import EMAIL, PAIR, record_failure, retry_after
from tests.factories import PASSWORD
from tests.server.auth_helpers import api_login, new_client, web_login, web_logout

WRONG = "wrong password here"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_RATE_LIMIT": "1000 per minute"}  # the flood limit is tested elsewhere


def from_address(app, ip: str):
    client = new_client(app)
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_five_failures_from_one_address_lock_that_email_there_even_for_the_right_password(app, make):
    user = make.user()
    client = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free):
        assert web_login(client, user.email, WRONG).status_code == 200
    locked = web_login(client, user.email)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 30
    assert "Too many failed sign-ins. Try again in 1 minute." in locked.text
    api = api_login(client, user.email)
    assert api.status_code == 429 and api.json["reason"] == "throttled" and int(api.headers["Retry-After"]) > 0
    assert web_login(from_address(app, "198.51.100.2"), user.email).status_code == 302, "other addresses are not locked"


def test_successes_do_not_count(app, make):
    user = make.user()
    client = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free * 3):
        assert api_login(client, user.email).status_code == 201


def test_a_success_clears_the_count_for_that_address(app, make):
    user = make.user()
    client = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free - 1):
        web_login(client, user.email, WRONG)
    assert api_login(client, user.email).status_code == 201
    for _ in range(PAIR.free - 1):
        web_login(client, user.email, WRONG)
    assert api_login(client, user.email).status_code == 201


def test_failures_from_many_addresses_lock_the_email_for_strangers(app, make):
    user = make.user()
    for n in range(EMAIL.free):
        assert api_login(from_address(app, f"203.0.113.{n}"), user.email, WRONG).status_code == 401
    stranger = api_login(from_address(app, "203.0.113.200"), user.email.upper())
    assert stranger.status_code == 429 and int(stranger.headers["Retry-After"]) > 0


def test_the_owner_on_a_known_device_is_not_locked_out_by_someone_elses_failures(app, make, session):
    user = make.user()
    laptop = from_address(app, "192.0.2.10")
    assert web_login(laptop, user.email).status_code == 302  # sets the signed known-device cookie
    web_logout(laptop)
    for n in range(EMAIL.free + 3):
        api_login(from_address(app, f"203.0.113.{n}"), user.email, WRONG)
    assert web_login(from_address(app, "203.0.113.250"), user.email).status_code == 429, "a stranger is locked"
    laptop.environ_base["REMOTE_ADDR"] = "192.0.2.99"  # the owner, on the train: new address, same laptop
    assert web_login(laptop, user.email).status_code == 302
    assert laptop.get("/").status_code == 200


def test_a_forged_known_device_cookie_does_not_lift_the_lock(app, make):
    user = make.user()
    for n in range(EMAIL.free):
        api_login(from_address(app, f"203.0.113.{n}"), user.email, WRONG)
    forger = from_address(app, "203.0.113.251")
    forger.set_cookie("fieldaudit_device", "WzFd.forged.signature")
    assert web_login(forger, user.email).status_code == 429


def test_the_owner_from_their_usual_network_is_not_locked_out_either(app, make):
    user = make.user()
    assert api_login(from_address(app, "192.0.2.10"), user.email).status_code == 201  # the office, last week
    for n in range(EMAIL.free + 3):
        api_login(from_address(app, f"203.0.113.{n}"), user.email, WRONG)
    assert api_login(from_address(app, "203.0.113.250"), user.email).status_code == 429
    assert api_login(from_address(app, "192.0.2.10"), user.email).status_code == 201, "no cookie, usual network"


def test_the_lock_grows_exponentially_and_is_forgotten_a_day_later(session):
    now = utcnow()
    locks = []
    for _ in range(PAIR.free + 3):
        until = record_failure(session, "kim@example.org", "192.0.2.1", now=now)
        locks.append(None if until is None else (until - now).total_seconds())
    session.commit()
    assert locks[: PAIR.free - 1] == [None] * (PAIR.free - 1)
    assert locks[PAIR.free - 1 :] == [30, 60, 120, 240]
    assert retry_after(session, "kim@example.org", "192.0.2.1", now=now) == 240
    later = now + timedelta(hours=25)
    assert record_failure(session, "kim@example.org", "192.0.2.1", now=later) is None, "a day later: a fresh count"
    assert retry_after(session, "kim@example.org", "192.0.2.1", now=later) is None


def test_the_lock_is_capped():
    assert PAIR.lock_for(10_000) == PAIR.cap and EMAIL.lock_for(10_000) == EMAIL.cap


def test_every_worker_sees_the_same_counts(app, app_config, make):
    """A second app on the same database (another gunicorn worker) refuses what the first locked."""
    from server import create_app

    user = make.user()
    first = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free):
        web_login(first, user.email, WRONG)
    other_worker = create_app(app_config)
    other = new_client(other_worker)
    other.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    assert api_login(other, user.email).status_code == 429


def test_only_hashes_of_emails_and_addresses_are_kept_in_the_counters(app, make, session):
    user = make.user()
    web_login(from_address(app, "198.51.100.1"), user.email, WRONG)
    rows = session.query(SignInCounter).all()
    assert {r.kind for r in rows} == {"pair", "email"}
    assert all(user.email not in r.key_hash and len(r.key_hash) == 64 for r in rows)


def test_a_lockout_is_logged_once_when_it_starts(app, make, session):
    user = make.user()
    client = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free):
        web_login(client, user.email, WRONG)
    web_login(client, user.email, PASSWORD)
    web_login(client, user.email, PASSWORD)
    locks = session.query(Activity).filter_by(action="sign_in_locked").all()
    assert len(locks) == 1 and locks[0].email == user.email and locks[0].ip == "198.51.100.1"


def test_wrong_second_factor_codes_count_as_failures_too(app, make):
    from tests.server.auth_helpers import csrf_token

    admin = make.user("admin")
    for _ in range(PAIR.free):
        client = from_address(app, "198.51.100.1")
        assert web_login(client, admin.email, code_step=False).headers["Location"] == "/login/code"
        page = client.get("/login/code")
        client.post("/login/code", data={"code": "000000", "csrf_token": csrf_token(page.text)})
    assert web_login(from_address(app, "198.51.100.1"), admin.email).status_code == 429


def test_stale_counters_and_old_sessions_are_deleted(session, make):
    from server.models import SessionStage, WebSession
    from server.services.accounts.auth_log import Client
    from server.services.accounts.web_sessions import start_session

    long_ago = utcnow() - timedelta(days=2)
    record_failure(session, "old@example.org", "192.0.2.1", now=long_ago)
    record_failure(session, "new@example.org", "192.0.2.1")
    session.commit()
    assert session.query(SignInCounter).count() == 2, "the old one went, the new one has two rows"
    user = make.user()
    old, _ = start_session(session, user, SessionStage.ACTIVE, Client())
    old.expires_at = utcnow() - timedelta(days=8)
    session.commit()
    start_session(session, user, SessionStage.ACTIVE, Client())
    session.commit()
    assert session.query(WebSession).count() == 1


def test_a_refused_phone_sign_in_is_counted_and_logged_although_its_transaction_is_rolled_back(app, make, session):
    user = make.user()
    client = from_address(app, "198.51.100.1")
    for _ in range(PAIR.free):
        assert api_login(client, user.email, WRONG).status_code == 401
    session.expire_all()
    assert session.query(Activity).filter_by(action="sign_in_failed", email=user.email).count() == PAIR.free
    assert {c.failures for c in session.query(SignInCounter)} == {PAIR.free}
    assert api_login(client, user.email).status_code == 429
