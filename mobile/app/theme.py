"""The app's colours as one Kivy object: kv binds ``app.theme.<role>``, so switching light/dark restyles every screen.

Both palettes keep body text at a contrast of at least 7:1 against its background (WCAG AAA), which is what stays
readable on a phone in sunlight; touch targets are ``TOUCH`` tall or more.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp
from kivy.properties import ColorProperty, OptionProperty

TOUCH = dp(52)
"""Height of every button and field: above the 48 dp Android asks for a touch target."""

Rgba = tuple[float, float, float, float]


def rgba(hex_colour: str) -> Rgba:
    """ "#1d4ed8" -> (r, g, b, 1) in 0..1."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[n : n + 2], 16) / 255 for n in (0, 2, 4))
    return (red, green, blue, 1.0)


PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#f4f6f9",
        "surface": "#ffffff",
        "raised": "#e6eaf0",
        "border": "#c5ccd6",
        "text": "#0f1722",
        "muted": "#3d4a5c",
        "primary": "#1d4ed8",
        "primary_text": "#ffffff",
        "danger": "#b42318",
        "warning": "#8a4b00",
        "success": "#146c43",
        "attention": "#fff4d6",
        "bar": "#102a4a",
        "bar_text": "#ffffff",
        "bar_good": "#86efac",
        "bar_warn": "#fdba74",
    },
    "dark": {
        "background": "#0f141b",
        "surface": "#1a212b",
        "raised": "#273140",
        "border": "#3a4657",
        "text": "#f3f6fa",
        "muted": "#c3ccd8",
        "primary": "#60a5fa",
        "primary_text": "#0b1320",
        "danger": "#ff8a7a",
        "warning": "#ffc46b",
        "success": "#6fdc9c",
        "attention": "#3a2f12",
        "bar": "#102a4a",
        "bar_text": "#ffffff",
        "bar_good": "#86efac",
        "bar_warn": "#fdba74",
    },
}


def contrast(first: Rgba, second: Rgba) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: Rgba) -> float:
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in colour[:3]]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class Theme(EventDispatcher):
    """The current palette; ``use("dark")`` changes every colour property, and every kv binding follows."""

    name = OptionProperty("light", options=list(PALETTES))
    background = ColorProperty()
    surface = ColorProperty()
    raised = ColorProperty()
    border = ColorProperty()
    text = ColorProperty()
    muted = ColorProperty()
    primary = ColorProperty()
    primary_text = ColorProperty()
    danger = ColorProperty()
    warning = ColorProperty()
    success = ColorProperty()
    attention = ColorProperty()
    bar = ColorProperty()
    bar_text = ColorProperty()
    bar_good = ColorProperty()
    bar_warn = ColorProperty()

    def __init__(self, name: str = "light", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.use(name)

    def use(self, name: str) -> None:
        """Switch to a palette ("light" or "dark"; anything else means light)."""
        name = name if name in PALETTES else "light"
        for role, value in PALETTES[name].items():
            setattr(self, role, rgba(value))
        self.name = name

    def hex(self, role: str) -> str:
        """A role's colour as "rrggbb" for Kivy markup ([color=...])."""
        return PALETTES[self.name][role].lstrip("#")
