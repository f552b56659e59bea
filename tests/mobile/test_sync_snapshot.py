"""A first pull is a snapshot: the phone takes it page by page, then goes on incrementally, and drops only pulled state."""

from __future__ import annotations

import uuid

import pytest

from mobile.store import NotFound, VisitState
from tests.mobile.factories import fill
from tests.mobile.world import make_world


@pytest.fixture
def world(live_server, tmp_path):
    return make_world(live_server, tmp_path)


def cancel(server, assignment_id: str) -> None:
    from server.models import Assignment
    from server.services.org.organisation import cancel_assignment

    with server.writing():
        cancel_assignment(server.session, server.session.get(Assignment, uuid.UUID(assignment_id)))


def forget_cursor(phone) -> None:
    """As a phone whose cursor was lost: its next pull starts from the beginning, a snapshot."""
    with phone.shop.db.transaction() as conn:
        conn.execute("UPDATE accounts SET cursor = NULL WHERE id = ?", (phone.shop.account_id,))


def test_a_first_sync_takes_a_snapshot_in_pages_and_then_pulls_incrementally(world):
    phone, server = world.phone, world.server
    more = [server.assignment(phone.shopper, world.branch_id, world.template_id) for _ in range(3)]
    flags = []
    original = phone.shop.pulled.apply_changes

    def spy(changes, cursor, **snapshot_flags):
        flags.append((snapshot_flags["reset"], snapshot_flags["snapshot_complete"], cursor))
        return original(changes, cursor, **snapshot_flags)

    phone.shop.pulled.apply_changes = spy  # type: ignore[method-assign]
    assert phone.sync(page_limit=2).ok
    assert flags[0][:2] == (True, False) and [f[:2] for f in flags].count((False, True)) == 1
    assert flags[-1][2].isdigit()  # after the snapshot the phone holds a plain cursor
    assert sorted(a.id for a in phone.shop.pulled.assignments()) == sorted([world.assignment_id, *more])
    cancel(server, more[0])
    flags.clear()
    assert phone.sync().ok
    assert not any(reset for reset, _, _ in flags)
    assert sorted(a.id for a in phone.shop.pulled.assignments()) == sorted([world.assignment_id, *more[1:]])


def test_a_snapshot_drops_what_the_server_withdrew_but_keeps_the_visits_on_the_phone(world):
    phone, server = world.phone, world.server
    extra = server.assignment(phone.shopper, world.branch_id, world.template_id)
    later = server.assignment(phone.shopper, world.branch_id, world.template_id)
    assert phone.sync().ok
    draft = phone.shop.drafts.start_visit(extra)
    fill(phone.shop, draft.id, {"greeted": {"value": "yes"}})
    sent = phone.complete_visit(world.assignment_id)
    assert phone.sync().ok and phone.shop.drafts.visit(sent).state is VisitState.SENT
    cancel(server, extra)
    cancel(server, later)
    fresh = server.assignment(phone.shopper, world.branch_id, world.template_id)
    forget_cursor(phone)
    assert phone.sync().ok
    assert [a.id for a in phone.shop.pulled.assignments()] == [fresh]
    assert phone.shop.pulled.assignment(extra).removed  # withdrawn, but the draft still needs it
    with pytest.raises(NotFound):
        phone.shop.pulled.assignment(later)
    assert phone.shop.drafts.visit(draft.id).state is VisitState.DRAFT
    assert phone.shop.drafts.answers(draft.id)["greeted"].value == "yes"
    sent_visit = phone.shop.drafts.visit(sent)
    assert sent_visit.state is VisitState.SENT and sent_visit.server.status == "submitted"
