"""The phone lists visits by their own date, newest first (finished, else started), and lists every one of them."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from mobile.store import VisitState
from tests.mobile.factories import change

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def pulled_visit(finished: datetime, *, status: str = "submitted", note: str = "") -> dict:
    """A visit the server holds, as a pull brings it (times written as a server may: offset, fractions)."""
    visit_id = str(uuid.uuid4())
    document = {
        "id": visit_id,
        "template_version_id": 7,
        "assignment_id": None,
        "branch_id": 12,
        "started_at": (finished - timedelta(hours=1)).isoformat(),
        "finished_at": finished.isoformat(timespec="microseconds"),
        "location": None,
        "base_revision": None,
        "photos": [],
        "answers": [{"question": "greeted", "value": "yes", "na": False, "comment": ""}],
    }
    data = {
        "id": visit_id,
        "revision": 1,
        "status": status,
        "score_percent": None,
        "review_note": note,
        "missing_photos": [],
        "document": document,
    }
    return change("visit", visit_id, data)


def test_visits_come_newest_first_by_their_date_whatever_order_they_were_stored_in(shop):
    days = list(range(120))
    random.Random(13).shuffle(days)
    expected: dict[str, datetime] = {}
    pulled = []
    for n, day in enumerate(days):
        moment = BASE + timedelta(days=day, minutes=n % 7)
        if n % 3:
            page = pulled_visit(moment)
            pulled.append(page)
            expected[page["id"]] = moment
        else:  # a draft, dated by its start
            expected[shop.drafts.start_visit(branch_id=12, template_version_id=7, started_at=moment).id] = moment
    shop.pulled.apply_changes(pulled, "c2")

    visits = shop.drafts.visits()

    assert len(visits) == len(expected) > 100  # every visit, no cap
    assert [v.id for v in visits] == sorted(expected, key=lambda i: expected[i], reverse=True)
    drafts = shop.drafts.visits([VisitState.DRAFT])
    assert [v.id for v in drafts] == [v.id for v in visits if v.state is VisitState.DRAFT]


def test_returned_and_refused_visits_are_the_ones_needing_correction_newest_first(shop):
    older, newer, fine = (
        pulled_visit(BASE, status="returned", note="Add the receipt"),
        pulled_visit(BASE + timedelta(days=2), status="returned", note="Photo is blurred"),
        pulled_visit(BASE + timedelta(days=1)),
    )
    shop.pulled.apply_changes([older, newer, fine], "c2")
    refused = shop.drafts.start_visit(branch_id=12, template_version_id=7, started_at=BASE + timedelta(days=1))
    with shop.db.transaction() as conn:  # as a push refused with a 4xx leaves it
        conn.execute(
            "UPDATE visits SET state = 'error', last_error = 'Unknown branch' WHERE account_id = ? AND id = ?",
            (shop.account.id, refused.id),
        )

    listed = shop.drafts.needing_correction()

    assert [v.id for v in listed] == [newer["id"], refused.id, older["id"]]
    assert [v.server.review_note for v in listed if v.server] == ["Photo is blurred", "Add the receipt"]
