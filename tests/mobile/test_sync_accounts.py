"""Several shoppers on one phone against the real server: each pulls and pushes only their own work."""

from __future__ import annotations

from mobile.store import LocalStore, VisitState
from tests.mobile.factories import CHECKLIST
from tests.mobile.world import new_phone


def test_two_shoppers_on_one_phone_each_sync_only_their_own_work(live_server, tmp_path):
    branch = live_server.branch()
    template_id, _ = live_server.template(CHECKLIST)
    alice, bob = live_server.shopper("Alice"), live_server.shopper("Bob")
    a_assignment = live_server.assignment(alice, branch, template_id)
    b_assignment = live_server.assignment(bob, branch, template_id)
    store = LocalStore(tmp_path / "phone")
    a_phone = new_phone(live_server, tmp_path / "a", alice, store)
    b_phone = new_phone(live_server, tmp_path / "b", bob, store)
    assert a_phone.shop.account_id != b_phone.shop.account_id

    assert a_phone.sync().ok and b_phone.sync().ok
    assert [a.id for a in a_phone.shop.pulled.assignments()] == [a_assignment]
    assert [a.id for a in b_phone.shop.pulled.assignments()] == [b_assignment]

    a_visit = a_phone.complete_visit(a_assignment)
    assert b_phone.sync().pushed == 0  # Bob's sync does not carry Alice's visit
    assert live_server.visit(a_visit) is None
    b_visit = b_phone.complete_visit(b_assignment)
    assert a_phone.sync().pushed == 1 and b_phone.sync().pushed == 1
    assert live_server.visit(a_visit)["shopper_id"] == alice.id
    assert live_server.visit(b_visit)["shopper_id"] == bob.id
    assert [v.id for v in a_phone.shop.drafts.visits()] == [a_visit]
    assert [v.id for v in b_phone.shop.drafts.visits()] == [b_visit]
    assert a_phone.shop.drafts.visit(a_visit).state is VisitState.SENT
