"""Answer inputs by question type (yes_no, choice, scale, number, text, date, time, photo) and their factory."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kivy.factory import Factory
from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.togglebutton import ToggleButton

if TYPE_CHECKING:
    from .questions import QuestionCard

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}$")


class ChoiceInput(GridLayout):
    """Toggle buttons, one per option (yes/no, choice options, scale points); tapping one saves it."""

    def __init__(self, card: QuestionCard, options: list[tuple[Any, str]], cols: int) -> None:
        super().__init__(cols=cols, spacing=dp(6), size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.card, self.buttons = card, {}
        for value, label in options:
            button = ToggleButton(text=label, group=f"{card.visit_id}:{card.question.key}", size_hint_y=None,
                                  height=dp(52), font_size=sp(16), allow_no_selection=False, halign="center")
            button.bind(width=lambda b, w: setattr(b, "text_size", (w - dp(8), None)))
            button.bind(on_press=lambda b, v=value: self.card.save_value(v if b.state == "down" else None))
            self.buttons[value] = button
            self.add_widget(button)

    def show(self, value: Any) -> None:
        for option, button in self.buttons.items():
            button.state = "down" if value is not None and option == value else "normal"


class TextLikeInput(BoxLayout):
    """A text field (number, text, date, time) that saves while the shopper types; a shortcut button for date/time."""

    def __init__(self, card: QuestionCard, kind: str) -> None:
        super().__init__(orientation="horizontal", spacing=dp(6), size_hint_y=None)
        self.card, self.kind, self._showing = card, kind, False
        multiline = kind == "text"
        self.field = Factory.Field(multiline=multiline, input_filter="float" if kind == "number" else None,
                                   hint_text={"number": "Number", "date": "YYYY-MM-DD", "time": "HH:MM",
                                              "text": "Type your answer"}[kind])
        self.field.input_type = {"number": "number", "date": "datetime", "time": "datetime"}.get(kind, "text")
        if multiline:
            self.field.height = dp(110)
        self.height = self.field.height
        self.field.bind(text=self._typed)
        self.add_widget(self.field)
        if kind in ("date", "time"):
            shortcut = Factory.TouchButton(text="Today" if kind == "date" else "Now", size_hint_x=None, width=dp(96))
            shortcut.bind(on_release=lambda *_: self._now())
            self.add_widget(shortcut)

    def show(self, value: Any) -> None:
        self._showing = True
        self.field.text = "" if value is None else (str(value) if not isinstance(value, float) or
                                                    not value.is_integer() else str(value))
        self._showing = False

    def _now(self) -> None:
        from .running import running_app

        now = running_app().devices.clock.now().astimezone()
        self.field.text = now.strftime("%Y-%m-%d" if self.kind == "date" else "%H:%M")

    def _typed(self, _field: object, text: str) -> None:
        if self._showing:
            return
        text = text.strip()
        if not text:
            self.card.save_value(None)
            return
        value = parse(self.kind, text)
        if value is None:
            self.card.set_hint({"number": "Enter a number.", "date": "Use the form 2024-05-31.",
                                "time": "Use the form 14:30."}[self.kind])
            return
        self.card.set_hint("")
        self.card.save_value(value)


def parse(kind: str, text: str) -> Any:
    """The value a typed text stands for, or None while it is not one yet."""
    if kind == "text":
        return text
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() and "." not in text else number
    pattern = DATE_RE if kind == "date" else TIME_RE
    return text if pattern.match(text) else None


def make_input(card: QuestionCard):
    """The input widget for the card's question type (photo questions use PhotoInput from photos.py)."""
    question = card.question
    if question.type == "yes_no":
        labels = {o.value: o.label for o in question.options or ()}
        return ChoiceInput(card, [("yes", labels.get("yes", "Yes")), ("no", labels.get("no", "No"))], cols=2)
    if question.type == "choice":
        return ChoiceInput(card, [(o.value, o.label) for o in question.options or ()], cols=1)
    if question.type == "scale":
        low, high = int(question.min or 1), int(question.max or 5)
        points = [(n, str(n)) for n in range(low, high + 1)]
        return ChoiceInput(card, points, cols=min(len(points), 6))
    if question.type == "photo":
        from .photos import PhotoInput

        return PhotoInput(card)
    return TextLikeInput(card, question.type)
