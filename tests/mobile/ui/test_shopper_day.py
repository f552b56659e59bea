"""A shopper's day through the real screens: sign in, pull, fill the demo checklist offline, get killed mid-visit,
resume, finish, sync when the server is back; the server holds exactly the previewed score and every photo."""

from __future__ import annotations

import json

import pytest
from PIL import ExifTags, Image

from tests.mobile.factories import jpeg_bytes
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, SwitchableServer, run_app

ARRIVAL = {"open_at_posted_hours": "yes", "easy_to_find": "no", "wait_minutes": 4, "storefront_photo": True}
RESPONSIVENESS = {"greeted_within_minute": "yes", "acknowledged_while_busy": "yes"}
COMPETENCE = {"answers_accurate": "yes", "offered_options": "no"}
SINCERITY = {"listened_without_interrupting": 4, "asked_open_questions": "yes", "showed_empathy": 3}
QUALITY = {"premises_clean": 5, "delivered_as_promised": "yes"}
INTEGRITY = {"receipt_photo": True, "no_pressure_selling": "yes"}
CLOSING = {"thanked_invited_back": "yes", "overall_satisfaction": 4, "service_level": "genuine"}


@pytest.fixture
def world(live_server, tmp_path):
    shopper = live_server.shopper()
    branch = live_server.branch()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    assignment = live_server.assignment(shopper, branch, template_id)
    live_server.set_settings(show_score_preview=True)  # this organisation lets shoppers see the preview
    switch = SwitchableServer(live_server)
    yield live_server, switch, shopper, assignment
    switch.start()  # the fixture's teardown stops a running server


def test_a_shopper_day_offline_killed_and_resumed(world, tmp_path):
    server, switch, shopper, assignment_id = world
    # a 6 MP camera JPEG taken upright (EXIF orientation 6): the phone stores it at most 1600 px, without EXIF
    photo = tmp_path / "camera" / "shot.jpg"
    photo.parent.mkdir(parents=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    photo.write_bytes(jpeg_bytes(3000, 2000, exif=exif))

    def app(name, steps):
        return run_app(
            tmp_path,
            steps,
            photo=photo,
            name=name,
            server=server.url,
            gps="51.5072,-0.1276",
        )

    # 1. sign in (a wrong password first), the first sync pulls the assignment
    first = app(
        "signin",
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": "not my password"}],
            ["record", {"name": "wrong"}],
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record", {"name": "pulled"}],
        ],
    )
    assert first.returncode == 0, first.results.get("error") or first.stderr
    assert "Wrong email or password" in first.records["wrong"]["message"]
    assert first.records["pulled"]["sync_ok"] and first.records["pulled"]["online"] == "online"

    # 2. no signal from here on; the app is killed in the middle of the third section
    switch.stop()
    killed = app(
        "killed",
        [
            ["open_assignment", {"index": 0}],
            ["record", {"name": "opened"}],
            ["answer_section", {"answers": ARRIVAL}],
            ["comment", {"key": "easy_to_find", "text": "Sign hidden behind a van"}],
            ["next"],
            ["answer_section", {"answers": RESPONSIVENESS}],
            ["na", {"key": "phone_answered_four_rings"}],
            ["next"],
            ["answer", {"key": "product_knowledge", "value": 4}],
            ["comment", {"key": "product_knowledge", "text": "Knew the range well"}],
            ["record", {"name": "before_kill"}],
            ["kill"],
        ],
    )
    assert killed.returncode == -9, killed.results.get("error") or killed.stderr
    before = killed.records["before_kill"]
    assert before["section"] == 2 and before["answers"]["product_knowledge"]["value"] == 4

    # 3. started again: same visit, same section, nothing lost; finish it (still offline)
    finish = app(
        "finish",
        [
            ["record", {"name": "resumed"}],
            ["answer_section", {"answers": COMPETENCE}],
            ["next"],
            ["answer_section", {"answers": SINCERITY}],
            ["next"],
            ["answer_section", {"answers": QUALITY}],
            ["next"],
            ["record", {"name": "integrity_before"}],
            ["answer", {"key": "price_matched", "value": "yes"}],
            ["sleep", {"seconds": 0.1}],
            ["record", {"name": "integrity_after"}],
            ["answer_section", {"answers": INTEGRITY}],
            ["na", {"key": "admitted_unsure"}],
            ["next"],
            ["answer_section", {"answers": CLOSING}],
            ["na", {"key": "follow_up_on_time"}],
            ["press", {"screen": "visit", "id": "review_top"}],
            ["record", {"name": "review_missing"}],
            ["tap_issue", {"index": 0}],
            ["sleep", {"seconds": 0.1}],
            ["record", {"name": "jumped"}],
            ["answer", {"key": "what_stood_out", "value": "Patient & friendly advice"}],
            ["next"],
            ["record", {"name": "review"}],
            ["submit"],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record", {"name": "offline"}],
        ],
    )
    assert finish.returncode == 0, finish.results.get("error") or finish.stderr
    r = finish.records
    resumed = r["resumed"]
    assert resumed["screen"] == "visit" and resumed["visit_id"] == before["visit_id"] and resumed["section"] == 2
    assert resumed["shown"]["product_knowledge"] == 4
    assert resumed["answers"] == before["answers"]
    assert resumed["answers"]["easy_to_find"]["comment"] == "Sign hidden behind a van"
    assert "receipt_photo" not in r["integrity_before"]["cards"]  # visible_if, live
    assert "receipt_photo" in r["integrity_after"]["cards"]
    assert r["review_missing"]["issues"] == ["what_stood_out"]
    assert r["jumped"]["screen"] == "visit" and "what_stood_out" in r["jumped"]["cards"]
    assert r["review"]["issues"] == [] and r["review"]["preview"] is not None
    assert r["offline"]["online"] == "offline" and r["offline"]["pending"] == 1
    assert "No connection" in r["offline"]["sync_message"]
    visit_id, preview = r["review"]["visit_id"], r["review"]["preview"]
    assert server.visit(visit_id) is None

    # 4. signal again: sync; the server holds the visit with the previewed score and both photos
    switch.start()
    synced = app(
        "sync",
        [
            ["record", {"name": "start"}],
            ["sync"],
            ["record", {"name": "synced"}],
            ["go", {"name": "sent"}],
            ["record", {"name": "sent"}],
        ],
    )
    assert synced.returncode == 0, synced.results.get("error") or synced.stderr
    assert synced.records["start"]["screen"] == "assignments"
    assert synced.records["synced"]["sync_ok"] and synced.records["synced"]["pending"] == 0
    held = server.visit(visit_id)
    assert held is not None and held["score_percent"] == pytest.approx(preview, abs=1e-9)
    assert len(held["photos"]) == 2 and all(complete for _, _, complete in held["photos"].values())
    for row in server.photo_rows(visit_id):  # downscaled and upright on the phone; time and position per photo
        assert (row["width"], row["height"], row["content_type"]) == (1067, 1600, "image/jpeg")
        assert row["taken_at"] is not None and row["location"] == (51.5072, -0.1276, 8.0)
    assert any(f"{preview:.1f}%" in text for text in synced.records["sent"]["texts"])
    document = server.revision_documents(visit_id)[-1]
    assert document["location"]["lat"] == 51.5072 and document["location"]["lon"] == -0.1276
    assert document["started_at"] < document["finished_at"]
    assert document["assignment_id"] == assignment_id
