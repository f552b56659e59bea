"""Every question type through its widget: values saved with the right JSON types, N/A, live visible_if, bad input."""

from __future__ import annotations

from datetime import date

from tests.mobile.factories import write_png
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import run_app

CHECKLIST = {
    "format": 1,
    "title": "Every type",
    "critical_policy": "flag",
    "allow_adhoc": False,
    "sections": [
        {
            "key": "all",
            "title": "All the types",
            "questions": [
                {"key": "clean", "text": "Clean?", "type": "yes_no", "required": True},
                {
                    "key": "why",
                    "text": "What was dirty?",
                    "type": "text",
                    "required": True,
                    "visible_if": {"question": "clean", "in": ["no"]},
                },
                {
                    "key": "mood",
                    "text": "Staff mood",
                    "type": "choice",
                    "allow_na": True,
                    "options": [
                        {"value": "warm", "label": "Warm", "score": 1},
                        {"value": "cold", "label": "Cold", "score": 0},
                    ],
                },
                {
                    "key": "queue",
                    "text": "Queue length",
                    "type": "scale",
                    "min": 1,
                    "max": 5,
                    "labels": {"1": "Short", "5": "Long"},
                },
                {
                    "key": "wait",
                    "text": "Minutes waited",
                    "type": "number",
                    "min": 0,
                    "max": 60,
                    "pass_rule": {"op": "<=", "value": 5},
                },
                {"key": "day", "text": "Date of visit", "type": "date", "required": True},
                {"key": "at", "text": "Time of arrival", "type": "time", "required": True},
                {"key": "shelf", "text": "Photo of the shelf", "type": "photo", "allow_na": True},
            ],
        }
    ],
}


def test_every_question_type_saves_through_its_widget(live_server, tmp_path):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(CHECKLIST)
    live_server.assignment(shopper, live_server.branch(), template_id)
    live_server.set_settings(show_score_preview=True)  # this organisation lets shoppers see the preview
    run = run_app(
        tmp_path,
        [
            ["sign_in", {"server": live_server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["open_assignment", {}],
            ["record", {"name": "start"}],
            ["answer", {"key": "clean", "value": "no"}],
            ["sleep", {"seconds": 0.1}],
            ["record", {"name": "shown"}],
            ["answer", {"key": "why", "value": "Sticky floor"}],
            ["answer", {"key": "mood", "value": "warm"}],
            ["na", {"key": "mood"}],
            ["answer", {"key": "queue", "value": 2}],
            ["answer", {"key": "wait", "value": "abc"}],
            ["record", {"name": "bad_number"}],
            ["answer", {"key": "wait", "value": "2.5"}],
            ["shortcut", {"key": "day"}],
            ["answer", {"key": "at", "value": "14:3"}],
            ["answer", {"key": "at", "value": "14:30"}],
            ["na", {"key": "shelf"}],
            ["comment", {"key": "queue", "text": "Two people"}],
            ["answer", {"key": "clean", "value": "yes"}],
            ["sleep", {"seconds": 0.1}],
            ["record", {"name": "hidden"}],
            ["next"],
            ["record", {"name": "review"}],
            ["back"],
            ["record", {"name": "back1"}],
            ["back"],
            ["record", {"name": "back2"}],
        ],
        photo=write_png(tmp_path / "camera"),
    )
    assert run.returncode == 0, run.results.get("error") or run.stderr
    r = run.records
    assert "why" not in r["start"]["cards"] and set(r["start"]["cards"]) == {
        k["key"] for k in CHECKLIST["sections"][0]["questions"]
    } - {"why"}
    assert "why" in r["shown"]["cards"]
    assert r["bad_number"]["hints"] == {"wait": "Enter a number."} and "wait" not in r["bad_number"]["answers"]
    answers = r["hidden"]["answers"]
    assert answers["clean"]["value"] == "yes" and answers["why"]["value"] == "Sticky floor"
    assert answers["mood"] == {"value": None, "na": True, "comment": ""}
    assert answers["queue"] == {"value": 2, "na": False, "comment": "Two people"}
    assert answers["wait"]["value"] == 2.5 and answers["at"]["value"] == "14:30"
    assert answers["day"]["value"] == date.today().isoformat() and answers["shelf"]["na"] is True
    assert "why" not in r["hidden"]["cards"]
    assert r["review"]["screen"] == "review" and r["review"]["issues"] == []
    assert r["review"]["preview"] == 100 * (1 + 0.25 + 1) / 3  # yes, scale 2 of 1..5, 2.5 minutes passes
    assert (r["back1"]["screen"], r["back2"]["screen"]) == ("visit", "assignments")  # back never quits mid-visit
