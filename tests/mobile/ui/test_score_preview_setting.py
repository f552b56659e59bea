"""The score preview follows the organisation setting the phone learns at each sync: hidden by default (a mystery
shopper should not know the score they are giving), on the review screen and on the sent-visits screen alike."""

from __future__ import annotations

import json

from tests.mobile.factories import write_png
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, run_app
from tests.mobile.ui.test_account_and_corrections import ALL


def test_the_score_stays_hidden_until_the_organisation_shows_it_then_shows_after_the_next_sync(live_server, tmp_path):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    for _ in range(2):
        live_server.assignment(shopper, live_server.branch(), template_id)
    photo = write_png(tmp_path / "camera", "shot.png")
    app = lambda name, steps: run_app(tmp_path, steps, photo=photo, name=name)  # noqa: E731

    hidden = app(
        "hidden",
        [
            ["sign_in", {"server": live_server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["open_assignment", {"index": 0}],
            ["fill_visit", {"answers": ALL}],
            ["record", {"name": "review"}],
            ["submit"],
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.2}],
            ["wait_sync"],
            ["go", {"name": "sent"}],
            ["record", {"name": "sent"}],
        ],
    )
    assert hidden.returncode == 0, hidden.results.get("error") or hidden.stderr
    review, sent = hidden.records["review"], hidden.records["sent"]
    assert review["issues"] == [] and review["score_text"] == "" and review["preview"] is None
    visit_id = review["visit_id"]
    assert live_server.visit(visit_id)["score_percent"] is not None  # the server scored it all the same
    [card] = sent["texts"]
    assert "Status: Submitted" in card and "score" not in card.lower() and "%" not in card

    live_server.set_settings(show_score_preview=True)
    shown = app(
        "shown",
        [
            ["sync"],
            ["wait_sync"],
            ["go", {"name": "sent"}],
            ["record", {"name": "sent"}],
            ["go", {"name": "assignments"}],
            ["open_assignment", {"index": 0}],
            ["fill_visit", {"answers": ALL}],
            ["record", {"name": "review"}],
        ],
    )
    assert shown.returncode == 0, shown.results.get("error") or shown.stderr
    score = live_server.visit(visit_id)["score_percent"]
    assert any(f"score {score:.1f}%" in text for text in shown.records["sent"]["texts"])
    assert shown.records["review"]["score_text"].startswith("Score preview: ")
    assert shown.records["review"]["preview"] is not None
