"""Demo accounts (published password): present while one can sign in; removing them closes every way in and keeps
their data, and is refused while the demo admin is the only admin."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from server.demo import DEMO_PASSWORD, demo_logins, load_demo
from server.models import Activity, ApiToken, Role, User, Visit
from server.services.accounts.demo_accounts import DemoAccountsError, demo_accounts_present, remove_demo_accounts
from server.services.accounts.tokens import authenticate_token, issue_token
from server.services.accounts.users import authenticate, reactivate_user


@pytest.fixture
def demo(session):
    """The demo with one month of visits (the full load is tested in tests/server/demo)."""
    return load_demo(session, today=date(2026, 6, 15), months=1)


def test_demo_accounts_are_present_only_while_one_can_sign_in(session, make):
    assert not demo_accounts_present(session)
    user = make.user("shopper")
    user.demo = True
    session.commit()
    assert demo_accounts_present(session)
    user.active = False
    session.commit()
    assert not demo_accounts_present(session)


def test_removing_the_demo_accounts_closes_every_way_in_and_keeps_their_data(session, make, demo):
    admin = make.user("admin")
    demo_admin = session.scalar(select(User).where(User.email == "admin@demo.fieldaudit.org"))
    token, plaintext = issue_token(session, demo_admin, "Phone")
    visits = session.scalar(select(func.count()).select_from(Visit))
    assert demo_accounts_present(session)

    closed = remove_demo_accounts(session)

    session.expire_all()
    assert len(closed) == 10 and "admin@demo.fieldaudit.org" in closed
    assert not demo_accounts_present(session) and demo_logins(session) == []
    assert authenticate(session, "admin@demo.fieldaudit.org", DEMO_PASSWORD) is None
    assert authenticate_token(session, plaintext) is None
    assert session.get(ApiToken, token.id).revoked_at is not None
    reactivate_user(session, demo_admin)  # an admin may bring one back: the published password stays dead
    assert authenticate(session, "admin@demo.fieldaudit.org", DEMO_PASSWORD) is None
    assert session.scalar(select(func.count()).select_from(Visit)) == visits
    assert (
        session.scalar(
            select(func.count()).select_from(Activity).where(Activity.summary.like("Removed demo account %"))
        )
        == 10
    )
    assert authenticate(session, admin.email, "correct horse battery staple").role is Role.ADMIN
    assert remove_demo_accounts(session) == ["admin@demo.fieldaudit.org"]  # the reactivated one, again


def test_removing_is_refused_while_the_demo_admin_is_the_only_admin(session, demo):
    with pytest.raises(DemoAccountsError, match="create-user --role admin"):
        remove_demo_accounts(session)
    session.rollback()
    assert authenticate(session, "admin@demo.fieldaudit.org", DEMO_PASSWORD) is not None
    assert demo_accounts_present(session)
