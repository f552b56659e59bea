"""The shopper picks the app's language and a dark theme in Settings: every screen follows at once, and the choice
holds after the app is closed (the catalogue's plurals and month names included)."""

from __future__ import annotations

import json

import pytest

from mobile.app.theme import PALETTES, rgba
from tests.mobile.live import PASSWORD
from tests.mobile.ui.harness import DEMO, run_app


@pytest.fixture
def world(live_server):
    shopper = live_server.shopper()
    template_id, _ = live_server.template(json.loads(DEMO.read_text()))
    live_server.assignment(shopper, live_server.branch(), template_id)
    return live_server, shopper


def test_spanish_and_the_dark_theme_apply_at_once_and_hold_after_a_restart(world, tmp_path):
    server, shopper = world
    first = run_app(
        tmp_path,
        [
            ["sign_in", {"server": server.url, "email": shopper.email, "password": PASSWORD}],
            ["wait_screen", {"name": "assignments"}],
            ["wait_sync"],
            ["record_words", {"name": "english"}],
            ["go", {"name": "settings"}],
            ["press_text", {"text": "Español"}],
            ["record_words", {"name": "settings_es"}],
            ["press", {"screen": "settings", "id": "dark_theme"}],
            ["record_words", {"name": "dark"}],
            ["go", {"name": "assignments"}],
            ["wait_sync"],
            ["record_words", {"name": "list_es"}],
        ],
        name="choose",
        server=server.url,
    )
    assert first.returncode == 0, first.stderr
    r = first.records
    assert r["english"]["language"] == "en" and "Sync now" in r["english"]["words"]
    assert r["settings_es"]["language"] == "es" and r["settings_es"]["screen"] == "settings"
    assert "Ajustes" in r["settings_es"]["words"] and "Settings" not in r["settings_es"]["words"]
    assert r["dark"]["theme"] == "dark" and r["dark"]["background"] == list(rgba(PALETTES["dark"]["background"]))
    assert "Sincronizar ahora" in r["list_es"]["words"] and "Visitas enviadas" in r["list_es"]["words"]
    assert not any("Due " in w for w in r["list_es"]["words"])  # the row's dates in Spanish too

    again = run_app(
        tmp_path, [["wait_screen", {"name": "assignments"}], ["wait_sync"], ["record_words", {"name": "restarted"}]]
    )
    assert again.returncode == 0, again.stderr
    restarted = again.records["restarted"]
    assert (restarted["language"], restarted["theme"]) == ("es", "dark")
    assert "Sincronizar ahora" in restarted["words"]
