"""List titles keep the branch readable: the name is shortened at its end, the code is always shown."""

from __future__ import annotations

from mobile.app.titles import branch_title, shorten_end


def test_a_short_name_is_shown_whole_with_its_code():
    assert branch_title("Warsaw Mokotów", "WAW-07") == "Warsaw Mokotów (WAW-07)"


def test_a_long_name_is_cut_at_its_end_and_the_code_stays():
    title = branch_title("Warsaw Mokotów Galeria Handlowa Ursynów Północ Wejście B", "WAW-07", limit=13)
    assert title == "Warsaw Mokot… (WAW-07)"
    assert shorten_end("Warsaw   Mokotów", 40) == "Warsaw Mokotów" and len(shorten_end("x" * 90, 20)) == 20
