"""Save a phone-sized screenshot of every app screen into docs/screenshots/phone-*.png (headless, real server).

Run: .venv/bin/python scripts/phone_screenshots.py [--size 1080x1920 --density 2.66] [--out FOLDER]
It starts the real server in a thread with the demo checklist, then drives the app with tests/mobile/ui/driver.py.
Most screens are shot with the organisation setting "Show the score preview to shoppers" on, so they show the
preview; phone-review-score-hidden.png and phone-sent-score-hidden.png show the default (off) of a mystery shop.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

OUT = ROOT / "docs" / "screenshots"


FULL = {
    "open_at_posted_hours": "yes",
    "easy_to_find": "no",
    "wait_minutes": 4,
    "storefront_photo": True,
    "greeted_within_minute": "yes",
    "acknowledged_while_busy": "yes",
    "phone_answered_four_rings": "no",
    "product_knowledge": 4,
    "answers_accurate": "yes",
    "offered_options": "no",
    "listened_without_interrupting": 4,
    "asked_open_questions": "yes",
    "showed_empathy": 3,
    "premises_clean": 5,
    "delivered_as_promised": "yes",
    "price_matched": "yes",
    "receipt_photo": True,
    "admitted_unsure": "yes",
    "no_pressure_selling": "yes",
    "thanked_invited_back": "yes",
    "follow_up_on_time": "yes",
    "overall_satisfaction": 4,
    "service_level": "genuine",
    "what_stood_out": "Patient, friendly advice at the counter.",
}


def run_steps(work: Path, steps: list, photo: Path, args: argparse.Namespace) -> None:
    """One app run; stops the script with the driver's error if a step failed."""
    from tests.mobile.ui.harness import os_env_for_density, run_app

    steps = steps + [["record", {"name": "end"}]]
    run = run_app(
        work / "app",
        steps,
        photo=photo,
        size=args.size,
        env=os_env_for_density(args.density),
        name="shots",
        timeout=180,
    )
    if run.returncode != 0 or run.results.get("error"):
        print(run.results.get("error") or run.stderr)
        raise SystemExit(1)
    if run.records.get("review_done"):
        run_steps.visit_id = run.records["review_done"]["visit_id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--density", type=float, default=2.66)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs (default docs/screenshots)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from tests.mobile.factories import write_png
    from tests.mobile.live import PASSWORD, LiveServer, build_template_db
    from tests.mobile.ui.harness import DEMO, SwitchableServer

    work = Path(tempfile.mkdtemp(prefix="fieldaudit-shots-"))
    server = LiveServer(build_template_db(work), work / "server")
    try:
        shopper = server.shopper("Sam Shopper")
        branch = server.branch()
        template_id, _ = server.template(json.loads(DEMO.read_text()))
        server.assignment(shopper, branch, template_id)
        server.assignment(shopper, server.branch(), template_id)
        server.assignment(shopper, server.branch(), template_id)  # one left to show could-not-complete and discard
        server.set_settings(show_score_preview=True)
        photo = write_png(work / "camera", "shop.png", width=64, height=48)
        shot = lambda name: ["screenshot", {"path": str(args.out / f"phone-{name}.png")}]  # noqa: E731
        steps = [
            shot("signin"),
            ["sign_in", {"server": server.url, "email": shopper.email, "password": "wrong"}],
            shot("signin-error"),
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["sleep", {"seconds": 0.3}],  # the list laid out again after the sync's reload
            shot("assignments"),
            ["open_assignment", {"index": 0}],
            shot("visit-arrival"),
            [
                "answer_section",
                {
                    "answers": {
                        "open_at_posted_hours": "yes",
                        "easy_to_find": "no",
                        "wait_minutes": 4,
                        "storefront_photo": True,
                    }
                },
            ],
            ["comment", {"key": "easy_to_find", "text": "Sign hidden behind a van."}],
            shot("visit-answered"),
            ["scroll", {"screen": "visit", "id": "scroller", "y": 0}],
            shot("visit-photo"),
            ["next"],
            ["next"],
            ["next"],
            ["answer_section", {"answers": {"listened_without_interrupting": 4}}],
            shot("visit-scale"),
            ["next"],
            ["next"],
            ["answer_section", {"answers": {"price_matched": "yes"}}],
            shot("visit-visible-if"),
            ["next"],
            ["answer_section", {"answers": {"service_level": "genuine", "what_stood_out": "Patient advice."}}],
            ["scroll", {"screen": "visit", "id": "scroller", "y": 0}],
            shot("visit-choice"),
            ["press", {"screen": "visit", "id": "review_top"}],
            shot("review"),
            ["tap_issue", {"index": 0}],
            ["previous"],
            ["previous"],
            ["previous"],
            ["previous"],
            ["previous"],
            ["fill_visit", {"answers": FULL}],
            shot("review-complete"),
            ["record", {"name": "review_done"}],
            ["press", {"screen": "review", "id": "submit"}],
            shot("review-confirm"),
            ["confirm"],
            shot("review-submitted"),
            ["wait_screen", {"name": "assignments"}],
            ["sleep", {"seconds": 0.3}],
            ["wait_sync"],
            shot("assignments-after-sync"),
            ["go", {"name": "settings"}],
            shot("settings"),
            ["press", {"screen": "settings", "id": "dark_theme"}],
            shot("settings-dark"),
            ["go", {"name": "assignments"}],
            ["sleep", {"seconds": 0.3}],
            shot("assignments-dark"),
            ["go", {"name": "settings"}],
            ["press", {"screen": "settings", "id": "dark_theme"}],
        ]
        run_steps(work, steps, photo, args)
        server.return_for_correction(run_steps.visit_id, "Easy to find: please say where the sign was.")
        run_steps(
            work,
            [
                ["sync"],
                ["go", {"name": "sent"}],
                shot("sent"),
                ["go", {"name": "assignments"}],
                ["sleep", {"seconds": 0.3}],
                shot("assignments-needs-correction"),
                ["press_text", {"text": "Correct and resubmit"}],
                ["wait_screen", {"name": "visit"}],
                shot("visit-correction"),
            ],
            photo,
            args,
        )
        switch = SwitchableServer(server)
        switch.stop()  # no signal: the list says so and what to do
        run_steps(work, [["go", {"name": "assignments"}], ["sync"], shot("assignments-offline")], photo, args)
        switch.start()
        server.set_settings(show_score_preview=False)  # the mystery-shop default: no score on the phone
        run_steps(
            work,
            [
                ["sync"],
                ["go", {"name": "sent"}],
                shot("sent-score-hidden"),
                ["go", {"name": "assignments"}],
                ["open_assignment", {"index": 0}],
                ["press", {"screen": "visit", "id": "review_top"}],
                shot("review-score-hidden"),
                ["go", {"name": "assignments"}],
                ["press_text", {"text": "Start visit"}],
                ["wait_screen", {"name": "visit"}],
                ["press_text", {"text": "Could not complete"}],
                ["popup_press", {"text": "Shop closed"}],
                ["popup_comment", {"text": "Shutters down at 10:00, no notice on the door."}],
                shot("visit-not-completed"),
                ["popup_press", {"text": "Cancel"}],
                ["press_text", {"text": "Discard visit"}],
                shot("visit-discard"),
                ["popup_press", {"text": "Cancel"}],
            ],
            photo,
            args,
        )
        for path in sorted(args.out.glob("phone-*.png")):
            print(path)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
