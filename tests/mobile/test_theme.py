"""The palettes stay readable in sunlight: body text >= 7:1 on its backgrounds, coloured text and buttons >= 4.5:1."""

from __future__ import annotations

import pytest

from mobile.app.theme import PALETTES, TOUCH, Theme, contrast, rgba

BACKGROUNDS = ("background", "surface", "raised", "attention")


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_body_text_reads_at_seven_to_one_on_every_background(name):
    palette = {role: rgba(value) for role, value in PALETTES[name].items()}
    for background in BACKGROUNDS:
        assert contrast(palette["text"], palette[background]) >= 7, (name, background)
        assert contrast(palette["muted"], palette[background]) >= 4.5, (name, "muted", background)


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_status_colours_and_buttons_read_at_four_and_a_half_to_one(name):
    palette = {role: rgba(value) for role, value in PALETTES[name].items()}
    for role in ("danger", "warning", "success", "primary"):
        assert contrast(palette[role], palette["surface"]) >= 4.5, (name, role)
    assert contrast(palette["primary_text"], palette["primary"]) >= 4.5
    assert contrast(palette["bar_text"], palette["bar"]) >= 7
    assert contrast(palette["background"], palette["danger"]) >= 4.5  # the text of a danger button


def test_both_palettes_name_the_same_roles_and_the_theme_switches_every_one():
    assert len({frozenset(p) for p in PALETTES.values()}) == 1
    theme = Theme("dark")
    assert theme.name == "dark" and list(theme.text) == list(rgba(PALETTES["dark"]["text"]))
    theme.use("light")
    assert list(theme.background) == list(rgba(PALETTES["light"]["background"]))
    theme.use("purple")
    assert theme.name == "light"


def test_contrast_is_the_wcag_ratio_and_touch_targets_are_at_least_48_dp():
    assert contrast(rgba("#000000"), rgba("#ffffff")) == pytest.approx(21)
    assert contrast(rgba("#777777"), rgba("#777777")) == pytest.approx(1)
    from kivy.metrics import dp

    assert dp(48) <= TOUCH
