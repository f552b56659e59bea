"""Text from the server shows literally in the phone's markup labels: a branch name, a question or a reviewer's note
holding Kivy markup ([b], [color], [ref], [size], &bl;) is drawn as typed, never bold, coloured, sized or a link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import run_app

HOSTILE = "[b]Bold?[/b] [color=ff0000]Red?[/color] [ref=x]Link?[/ref] [size=60]Big?[/size] &bl;x&br; &amp;"
CHECKLIST = {
    "format": 1,
    "title": "Markup check",
    "sections": [
        {
            "key": "front",
            "title": "Front",
            "questions": [{"key": "greeted", "text": f"Greeted? {HOSTILE}", "type": "yes_no"}],
        }
    ],
}
MOBILE_APP = Path(__file__).resolve().parents[3] / "mobile" / "app"


def squeeze(text: str) -> str:
    """Without whitespace: a wrapped label draws its words line by line."""
    return "".join(text.split())


def plain(drawn: dict) -> bool:
    """No markup took effect: no ref zone, nothing red, nothing at size 60."""
    return not drawn["refs"] and [1.0, 0.0, 0.0, 1.0] not in drawn["colors"] and 60 not in drawn["sizes"]


@pytest.fixture
def world(live_server):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(CHECKLIST)
    live_server.assignment(shopper, live_server.branch(name=f"Shop {HOSTILE}"), template_id)
    return live_server, shopper


def test_hostile_markup_from_the_server_is_drawn_literally_on_the_question_and_sent_screens(world, tmp_path):
    server, shopper = world
    send = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["open_assignment", {"index": 0}],
            ["record", {"name": "question"}],
            ["fill_visit", {"answers": {"greeted": "yes"}}],
            ["record", {"name": "review"}],
            ["submit"],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
        ],
        name="send",
    )
    assert send.returncode == 0, send.results.get("error") or send.stderr
    [question] = [d for d in send.records["question"]["markup"] if "Greeted?" in d["words"]]
    assert squeeze(HOSTILE) in squeeze(question["words"]) and plain(question) and question["bold"] == "", question

    server.return_for_correction(send.records["review"]["visit_id"], f"Fix it: {HOSTILE}")
    look = run_app(
        tmp_path,
        [
            ["sync"],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["record", {"name": "list"}],
            ["go", {"name": "sent"}],
            ["record", {"name": "sent"}],
            ["press_text", {"text": "Correct and resubmit"}],
            ["record", {"name": "correcting"}],
        ],
        name="look",
    )
    assert look.returncode == 0, look.results.get("error") or look.stderr
    [card] = [d for d in look.records["sent"]["markup"] if "Fix it:" in d["words"]]
    assert squeeze(card["words"]).count(squeeze(HOSTILE)) == 2, card  # in the branch name and in the note
    assert plain(card), card
    assert re.fullmatch(re.escape(squeeze(f"Shop {HOSTILE}")) + r"\(B\d+\)", squeeze(card["bold"])), (
        card
    )  # only the branch line (name and code) is bold, as the screen means
    # the Needs correction card on the Visits list: the branch (cut at its end, code kept) and the note
    drawn = [d for d in look.records["list"]["markup"] if "Shop" in d["words"] or "Fix it:" in d["words"]]
    assert len(drawn) == 2 and all(plain(d) for d in drawn), drawn
    assert squeeze(HOSTILE) in squeeze(next(d["words"] for d in drawn if "Fix it:" in d["words"]))
    assert "[b]Bold?" in next(d["bold"] for d in drawn if "Shop" in d["words"])
    # the note pinned while correcting, drawn as typed
    [pinned] = [d for d in look.records["correcting"]["markup"] if "Fix it:" in d["words"]]
    assert squeeze(HOSTILE) in squeeze(pinned["words"]) and plain(pinned) and pinned["bold"] == "", pinned


def test_every_markup_label_of_the_phone_is_covered_here():
    """A new markup label must escape what it interpolates and be added to the test above."""
    found = sorted(
        str(path.relative_to(MOBILE_APP))
        for path in MOBILE_APP.rglob("*.*")
        if path.suffix in (".py", ".kv") and re.search(r"markup\s*[=:]\s*True", path.read_text(encoding="utf-8"))
    )
    # the question card, the pinned correction note, the sent card and the Needs correction card (rules in kv)
    assert found == ["kv/assignments.kv", "kv/sent.kv", "kv/visit.kv"]
