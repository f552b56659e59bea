"""Every account gets a random, unique pseudonym once, however it is inserted; existing accounts got one in 0006."""

from __future__ import annotations

import itertools

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from server.extensions import db
from server.models import Role, User
from server.models import pseudonyms as pseudonym_module
from server.services.accounts.shopper_labels import NAMES, PSEUDONYMS, labels_for, pseudonym_label, shopper_label
from server.services.accounts.users import create_user


def _users(make, count: int) -> list[User]:
    return [make.user("shopper") for _ in range(count)]


def test_each_new_account_gets_a_short_number_no_other_account_has(make):
    users = _users(make, 40)
    numbers = [u.pseudonym for u in users]
    assert len(set(numbers)) == 40 and all(1 <= n <= 9_999 for n in numbers)


def test_the_number_does_not_follow_the_order_accounts_were_made_in(make):
    numbers = [u.pseudonym for u in _users(make, 30)]
    assert numbers != sorted(numbers) and numbers != sorted(numbers, reverse=True)
    assert [u.pseudonym for u in _users(make, 3)] != [u.id for u in _users(make, 3)]


def test_the_pseudonym_is_kept_when_the_account_changes(make, session):
    user = make.user("shopper", name="Ann Shopper")
    before = user.pseudonym
    user.name, user.role = "Ann Other", Role.MANAGER
    session.commit()
    session.expire_all()
    assert session.get(User, user.id).pseudonym == before


def _holder_of(session, number: int) -> User:
    user = User(
        email=f"holder{number}@example.test", name="Holder", role=Role.SHOPPER, password_hash="-", pseudonym=number
    )
    session.add(user)
    session.commit()
    return user


def test_a_drawn_number_that_is_taken_or_drawn_for_the_same_insert_is_drawn_again(session, monkeypatch):
    _holder_of(session, 5000)
    draws = itertools.chain([4999, 99, 99, 199], itertools.count(300))  # randbelow(n) + 1 is the number
    monkeypatch.setattr(pseudonym_module.secrets, "randbelow", lambda highest: next(draws))
    a = User(email="a@example.test", name="A", role=Role.SHOPPER, password_hash="-")
    b = User(email="b@example.test", name="B", role=Role.SHOPPER, password_hash="-")
    session.add_all([a, b])
    session.commit()  # one flush, one multi-row INSERT
    assert (a.pseudonym, b.pseudonym) == (100, 200)


def test_a_full_range_moves_on_to_longer_numbers(make, session, monkeypatch):
    _holder_of(session, 5000)
    seen = []

    def draw(highest):
        seen.append(highest)
        return 4999 if highest == 9_999 else 12_344

    monkeypatch.setattr(pseudonym_module.secrets, "randbelow", draw)
    assert make.user("shopper").pseudonym == 12_345
    assert seen.count(9_999) == pseudonym_module.DRAWS_PER_RANGE and seen[-1] == 999_999


def test_accounts_inserted_in_bulk_or_through_the_service_get_pseudonyms_too(session):
    session.execute(
        insert(User),
        [
            {"email": f"bulk{n}@example.test", "name": f"Bulk {n}", "role": Role.SHOPPER, "password_hash": "-"}
            for n in range(5)
        ],
    )
    session.commit()
    created = create_user(
        session, email="svc@example.test", name="Service", role=Role.SHOPPER, password="correct horse battery staple"
    )
    numbers = list(session.scalars(select(User.pseudonym)))
    assert len(numbers) == 6 and len(set(numbers)) == 6 and created.pseudonym in numbers


def test_accounts_made_before_the_migration_get_distinct_pseudonyms(app):
    from flask_migrate import downgrade

    downgrade(revision="0005")
    with db.engine.begin() as conn:
        for n in range(25):
            conn.execute(
                text(
                    "INSERT INTO users (email, name, role, password_hash, active, session_nonce, created_at,"
                    " demo) VALUES (:e, :n, 'shopper', '-', true, 'x', CURRENT_TIMESTAMP, false)"
                ),
                {"e": f"old{n}@example.test", "n": f"Old {n}"},
            )
    upgrade()
    db.session.remove()
    numbers = list(db.session.scalars(select(User.pseudonym)))
    assert len(numbers) == 25 and len(set(numbers)) == 25 and all(1 <= n <= 9_999 for n in numbers)


def test_admins_read_names_and_managers_pseudonyms_while_the_setting_is_on(app, make):
    shopper = make.user("shopper", name="Ann Shopper")
    with app.test_request_context("/"):
        assert labels_for(make.user("admin")) is NAMES
        assert labels_for(make.user("manager")) is PSEUDONYMS
        assert shopper_label(make.user("manager"), shopper) == pseudonym_label(shopper.pseudonym)
        assert pseudonym_label(17) == "Shopper 17"
