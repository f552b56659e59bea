"""Long lists: a phone holding months of work lists every visit (Sent and Assignments are RecycleViews, so only
the rows on screen get widgets; there is no cap on how many are listed)."""

from __future__ import annotations

import uuid

from mobile.store import LocalStore
from tests.mobile.factories import add_account, assignment_change, branch_change, change, version_change
from tests.mobile.ui.harness import os_env_for_density, run_app

MANY = 130


def sent_visit(assignment_id: str, n: int) -> dict:
    """A visit the server holds, as a pull brings it (the phone keeps it for the Sent screen)."""
    visit_id = str(uuid.uuid4())
    document = {
        "id": visit_id,
        "template_version_id": 7,
        "assignment_id": assignment_id,
        "branch_id": 12,
        "started_at": f"2026-03-02T09:{n % 60:02d}:00Z",
        "finished_at": f"2026-03-02T10:{n % 60:02d}:00Z",
        "location": None,
        "base_revision": None,
        "photos": [],
        "answers": [{"question": "greeted", "value": "yes", "na": False, "comment": ""}],
    }
    return change(
        "visit",
        visit_id,
        {
            "id": visit_id,
            "revision": 1,
            "status": "submitted",
            "score_percent": None,
            "review_note": f"Note {n}",
            "missing_photos": [],
            "document": document,
        },
    )


def test_more_than_a_hundred_visits_are_all_listed_on_the_sent_and_assignments_screens(tmp_path):
    with LocalStore(tmp_path / "phone") as store:
        shop = add_account(store)
        done = [str(uuid.uuid4()) for _ in range(MANY)]
        shop.pulled.apply_changes(
            [version_change(), branch_change()]
            + [assignment_change() for _ in range(MANY)]
            + [sent_visit(assignment_id, n) for n, assignment_id in enumerate(done)],
            "c1",
        )
    run = run_app(
        tmp_path,
        [
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "assignments"}],
            ["go", {"name": "sent"}],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "sent"}],
        ],
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    assert len(run.records["assignments"]["rows"]) == MANY
    texts = run.records["sent"]["texts"]
    assert len(texts) == MANY and {f"Note {n}" for n in range(MANY)} <= {t.rsplit("note: ", 1)[-1] for t in texts}
    assert any("Note" in d["words"] for d in run.records["sent"]["markup"])  # the cards on screen are drawn


def test_the_assignments_list_draws_its_group_headings_and_its_empty_message_as_such(tmp_path):
    assignment = assignment_change()
    with LocalStore(tmp_path / "phone") as store:
        account_id = add_account(store).account.id
        store.for_account(account_id).pulled.apply_changes([version_change(), branch_change(), assignment], "c1")
    steps = [["wait_screen", {"name": "assignments"}], ["sleep", {"seconds": 0.2}], ["record", {"name": "list"}]]
    one = run_app(tmp_path, steps)
    assert one.returncode == 0, one.results.get("error") or one.stderr
    drawn = one.records["list"]["drawn"]
    assert drawn[0] == ["ListHeading", "Today"] and drawn[1][0] == "AssignmentRow", drawn

    with LocalStore(tmp_path / "phone") as store:  # the assignment withdrawn: nothing left to list
        store.for_account(account_id).pulled.apply_changes([change("assignment", assignment["id"])], "c2")
    none = run_app(tmp_path, steps)
    assert none.returncode == 0, none.results.get("error") or none.stderr
    [(kind, text)] = none.records["list"]["drawn"]
    assert kind == "ListText" and text.startswith("No visits assigned to you."), (kind, text)


def test_every_row_is_as_tall_as_what_it_shows_after_pulls_fill_and_shrink_the_list(tmp_path):
    """The RecycleView reuses rows and guesses heights: none may keep another item's height (seen on a phone)."""
    with LocalStore(tmp_path / "phone") as store:
        add_account(store)
    first, second = assignment_change(), assignment_change()
    run = run_app(
        tmp_path,
        [
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["apply_changes", {"changes": [version_change(), branch_change(), first, second], "cursor": "c1"}],
            ["sleep", {"seconds": 0.3}],
            ["record", {"name": "filled"}],
            ["apply_changes", {"changes": [change("assignment", first["id"])], "cursor": "c2"}],
            ["sleep", {"seconds": 0.3}],
            ["record", {"name": "shrunk"}],
        ],
        size="1080x1920",
        env=os_env_for_density(2.66),
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    for name, rows in (("filled", 2), ("shrunk", 1)):
        sizes = run.records[name]["sizes"]
        assert [kind for kind, _, _ in sizes] == ["ListHeading"] + ["AssignmentRow"] * rows, sizes
        assert all(height == natural for _, height, natural in sizes), (name, sizes)


def test_the_sent_screen_lists_returned_visits_first_then_every_visit_newest_first(tmp_path):
    """Visits pulled in random date order: returned ones on top (and under Needs correction), the rest by date."""
    import random

    minutes = list(range(MANY))
    random.Random(7).shuffle(minutes)
    pages = [sent_visit(str(uuid.uuid4()), n) for n in range(MANY)]
    for page, minute in zip(pages, minutes, strict=True):
        document = page["data"]["document"]
        document["started_at"] = f"2026-03-{1 + minute // 60:02d}T08:{minute % 60:02d}:00Z"
        document["finished_at"] = f"2026-03-{1 + minute // 60:02d}T09:{minute % 60:02d}:00Z"
    for page in pages[:2]:
        page["data"]["status"] = "returned"
    with LocalStore(tmp_path / "phone") as store:
        shop = add_account(store)
        shop.pulled.apply_changes([version_change(), branch_change(), *pages], "c1")
        refused = shop.drafts.start_visit(branch_id=12, template_version_id=7)  # started now: the newest
        with shop.db.transaction() as conn:  # as a push refused with a 4xx leaves it
            conn.execute(
                "UPDATE visits SET state = 'error', last_error = 'Unknown [b]branch[/b]' WHERE id = ?", (refused.id,)
            )
    run = run_app(
        tmp_path,
        [
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "assignments"}],
            ["go", {"name": "sent"}],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "sent"}],
        ],
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    texts = run.records["sent"]["texts"]
    assert len(texts) == MANY + 1 and "Problem: Unknown &bl;b&br;branch" in texts[0]  # refused, the newest
    notes = [t.rsplit("note: ", 1)[-1] for t in texts[1:]]
    by_date = sorted(range(MANY), key=lambda n: minutes[n], reverse=True)
    returned = [n for n in by_date if n < 2]
    assert notes == [f"Note {n}" for n in returned + [n for n in by_date if n >= 2]]
    assert all("Returned for correction" in t for t in texts[1:3])
    corrections = run.records["assignments"]["corrections"]
    assert [c["note"] for c in corrections] == ["Refused by the server: Unknown &bl;b&br;branch&bl;/b&br;"] + [
        f"Reviewer's note: Note {n}" for n in returned
    ]
    assert [c["action"] for c in corrections] == [
        "Fix and submit again",
        "Correct and resubmit",
        "Correct and resubmit",
    ]
