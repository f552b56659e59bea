"""A returned visit on top of the Visits list, its note pinned while correcting, the questions it names highlighted;
Submit asks first (with the photos still to upload) and says it was submitted; starting outside the due dates asks."""

from __future__ import annotations

from datetime import date, timedelta

from kivy.metrics import dp

from mobile.store import LocalStore
from tests.mobile.factories import add_account, assignment_change, change, version_change
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import run_app
from tests.mobile.ui.test_account_and_corrections import ALL, world  # noqa: F401 - the fixture is used by name

NOTE = "Please add the receipt total in a comment on price matched [b]today[/b]."
INTEGRITY = 5  # the demo checklist's section holding price_matched


def test_a_returned_visit_is_listed_first_with_its_note_then_corrected_with_the_note_pinned(world, tmp_path):  # noqa: F811
    server, shopper, photo = world
    app = lambda name, steps: run_app(tmp_path, steps, photo=photo, name=name)  # noqa: E731
    sent = app(
        "send",
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record", {"name": "list"}],
            ["open_assignment", {"index": 0}],
            ["record", {"name": "visit"}],
            ["fill_visit", {"answers": ALL}],
            ["press", {"screen": "review", "id": "submit"}],
            ["record", {"name": "asked"}],
            ["confirm"],
            ["record", {"name": "submitted"}],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
        ],
    )
    assert sent.returncode == 0, sent.results.get("error") or sent.stderr
    r = sent.records
    assert r["list"]["checklists"] == ["Customer service mystery shop"]  # the checklist's name on the row
    assert r["visit"]["visit_title"][2] == "Customer service mystery shop" and r["visit"]["review_note"] == ""
    assert r["visit"]["highlighted"] == []  # a first revision has no note
    asked = r["asked"]["question"]
    assert asked["title"] == "Submit visit" and asked["yes"] == "Submit"
    assert asked["text"] == "Submit this visit? 2 photos still to upload; they are sent when you have signal."
    assert min(asked["heights"]) >= dp(48)
    assert r["submitted"]["screen"] == "review" and r["submitted"]["submitted"]
    assert r["submitted"]["summary"].startswith("Submitted. It is sent")
    visit_id = r["submitted"]["visit_id"]

    server.return_for_correction(visit_id, NOTE)
    fixed = app(
        "correct",
        [
            ["wait_screen", {"name": "assignments"}],
            ["sync"],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "returned"}],
            ["press_text", {"text": "Correct and resubmit"}],
            ["wait_screen", {"name": "visit"}],
            ["record", {"name": "first"}],
            *[["next"]] * INTEGRITY,
            ["record", {"name": "integrity"}],
            ["comment", {"key": "price_matched", "text": "Receipt total 12.40"}],
            ["press", {"screen": "visit", "id": "review_top"}],
            ["press", {"screen": "review", "id": "submit"}],
            ["record", {"name": "asked"}],
            ["confirm"],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["record", {"name": "resent"}],
        ],
    )
    assert fixed.returncode == 0, fixed.results.get("error") or fixed.stderr
    r = fixed.records
    assert r["returned"]["groups"][0] == "Needs correction"
    [card] = r["returned"]["corrections"]
    assert card["visit_id"] == visit_id and card["action"] == "Correct and resubmit"
    assert card["checklist"] == "Customer service mystery shop"
    assert "&bl;b&br;today&bl;/b&br;" in card["note"] and "[b]" not in card["note"]  # escaped markup
    assert r["returned"]["rows"] == []  # its assignment is listed once, in Needs correction
    for name in ("first", "integrity"):  # pinned on every section
        assert "price matched &bl;b&br;today" in r[name]["review_note"], r[name]
    assert r["first"]["highlighted"] == [] and r["integrity"]["highlighted"] == ["price_matched"]
    assert r["asked"]["question"]["text"].startswith("Submit this visit? You cannot change it afterwards")
    assert r["resent"]["sync_ok"] and r["resent"]["pending"] == 0 and r["resent"]["corrections"] == []
    assert server.visit(visit_id)["revision"] == 2
    documents = server.revision_documents(visit_id)
    assert len(documents) == 2
    assert any(a.get("comment") == "Receipt total 12.40" for a in documents[-1]["answers"])


def test_starting_a_visit_outside_its_due_dates_asks_first_and_cancel_starts_nothing(tmp_path):
    today = date.today()
    later = assignment_change()
    later["data"].update(
        due_from=(today + timedelta(days=3)).isoformat(), due_to=(today + timedelta(days=5)).isoformat()
    )
    name = "Warsaw Mokotów Galeria Handlowa Ursynów Północ, wejście od ulicy Puławskiej, parter"
    branch = change(
        "branch",
        12,
        {"id": 12, "code": "WAW-07", "name": name, "address": "1 Puławska", "latitude": None, "longitude": None},
    )
    with LocalStore(tmp_path / "phone") as store:
        add_account(store).pulled.apply_changes([version_change(), branch, later], "c1")
    run = run_app(
        tmp_path,
        [
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["record", {"name": "list"}],
            ["open_assignment", {"index": 0, "anyway": False}],
            ["record", {"name": "asked"}],
            ["confirm", {"answer": "no"}],
            ["record", {"name": "cancelled"}],
            ["open_assignment", {"index": 0, "anyway": True}],
            ["record", {"name": "started"}],
        ],
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    r = run.records
    [title] = r["list"]["rows"]
    assert title.endswith("… (WAW-07)") and title.startswith("Warsaw Mokotów Galeria")  # cut at its end
    assert r["list"]["checklists"] == ["Store audit"]
    asked = r["asked"]["question"]
    start, end = today + timedelta(days=3), today + timedelta(days=5)
    assert asked["text"] == (
        f"This visit is due from {start.day} {start:%b} to {end.day} {end:%b}. Start it today anyway?"
    )
    assert (asked["yes"], asked["no"]) == ("Start anyway", "Cancel") and min(asked["heights"]) >= dp(48)
    assert r["asked"]["screen"] == "assignments"
    assert (
        r["cancelled"]["screen"] == "assignments" and r["cancelled"]["unsent"] == 0 and "question" not in r["cancelled"]
    )
    assert r["started"]["screen"] == "visit" and r["started"]["unsent"] == 1
    assert r["started"]["visit_title"] == [name, "WAW-07", "Store audit"]
