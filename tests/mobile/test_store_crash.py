"""A killed app loses nothing that was on the screen: every answer and photo is committed as it is given."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from mobile.store import LocalStore, VisitState
from tests.mobile.conftest import add_account
from tests.mobile.factories import base_page, child_env, png_bytes

CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from mobile.store import LocalStore

    folder, account_id, visit_id, png = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    store = LocalStore(folder)
    shop = store.for_account(account_id)
    photo = shop.drafts.add_photo(visit_id, "storefront", png)
    print(json.dumps({"photo": photo.id}), flush=True)
    answers = [("greeted", {"value": "yes", "comment": "kept?"}), ("clean", {"value": 4}),
               ("price_ok", {"value": "yes"}), ("wait", {"value": 1.5}), ("mood", {"na": True})]
    for key, parts in answers:
        shop.drafts.save_answer(visit_id, key, **parts)
        print(json.dumps({"saved": key}), flush=True)
    n = 0
    while True:  # keep typing into the notes field until killed
        n += 1
        shop.drafts.save_answer(visit_id, "notes", value=f"draft {n}")
        print(json.dumps({"notes": n}), flush=True)
""")


def test_answers_and_photos_survive_the_app_being_killed_without_finishing(tmp_path):
    folder = tmp_path / "phone"
    store = LocalStore(folder)
    shop = add_account(store)
    assignment = "0f8fad5b-d9cb-469f-a165-70867728950e"
    shop.pulled.apply_changes(base_page(assignment), "c1")
    visit = shop.drafts.start_visit(assignment)
    store.close()
    png = tmp_path / "camera.png"
    png.write_bytes(png_bytes(noise=50_000))

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(shop.account_id), visit.id, str(png)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    events = []
    try:
        for line in child.stdout:
            events.append(json.loads(line))
            if events[-1].get("notes", 0) >= 25:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    reopened = LocalStore(folder)
    shop = reopened.for_account(shop.account_id)
    answers = shop.drafts.answers(visit.id)
    assert answers["greeted"].value == "yes" and answers["greeted"].comment == "kept?"
    assert answers["clean"].value == 4 and answers["wait"].value == 1.5 and answers["mood"].na
    last_reported = max(e["notes"] for e in events if "notes" in e)
    assert int(answers["notes"].value.split()[1]) >= last_reported
    photos = shop.drafts.photos(visit.id)
    assert [p.id for p in photos] == [events[0]["photo"]]
    assert shop.drafts.photo_path(photos[0]).read_bytes() == png.read_bytes()
    assert shop.drafts.visit(visit.id).state is VisitState.DRAFT
    reopened.close()
