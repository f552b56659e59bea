"""Answer inputs by question type (yes_no, choice, scale, number, text, date, time, photo) and their factory."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from shared.question_types import QuestionType

from .i18n import N_, _

if TYPE_CHECKING:
    from .questions import QuestionCard

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}$")


def _as_text(text: str) -> Any:
    return text


def _as_number(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in text else number


def _matching(pattern: re.Pattern[str]) -> Callable[[str], Any]:
    return lambda text: text if pattern.match(text) else None


@dataclass(frozen=True)
class TextKind:
    """How a typed answer is asked for and read: field hint, parser, keyboard, hint after a wrong entry, shortcut."""

    hint_text: str
    parse: Callable[[str], Any] = _as_text
    input_type: str = "text"
    wrong_hint: str = ""
    shortcut: str = ""
    now_format: str = ""
    multiline: bool = False
    input_filter: str | None = None


TEXT_KINDS_BY_TYPE: dict[QuestionType, TextKind] = {
    QuestionType.NUMBER: TextKind(N_("Number"), _as_number, "number", N_("Enter a number."), input_filter="float"),
    QuestionType.TEXT: TextKind(N_("Type your answer"), multiline=True),
    QuestionType.DATE: TextKind(
        N_("YYYY-MM-DD"), _matching(DATE_RE), "datetime", N_("Use the form 2024-05-31."), N_("Today"), "%Y-%m-%d"
    ),
    QuestionType.TIME: TextKind(
        N_("HH:MM"), _matching(TIME_RE), "datetime", N_("Use the form 14:30."), N_("Now"), "%H:%M"
    ),
}
"""The question types typed into a TextLikeInput, and how each is asked for (texts translated where shown)."""


class ChoiceInput(GridLayout):
    """Toggle buttons, one per option (yes/no, choice options, scale points); tapping one saves it."""

    def __init__(self, card: QuestionCard, options: list[tuple[Any, str]], cols: int) -> None:
        super().__init__(cols=cols, spacing=dp(6), size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.card, self.buttons = card, {}
        for value, label in options:
            button = Factory.ChoiceButton(
                text=label, group=f"{card.visit_id}:{card.question.key}", allow_no_selection=False
            )
            button.bind(on_press=lambda b, v=value: self.card.save_value(v if b.state == "down" else None))
            self.buttons[value] = button
            self.add_widget(button)

    def show(self, value: Any) -> None:
        for option, button in self.buttons.items():
            button.state = "down" if value is not None and option == value else "normal"


class TextLikeInput(BoxLayout):
    """A text field (number, text, date, time) that saves while the shopper types; a shortcut button for date/time."""

    def __init__(self, card: QuestionCard, kind: QuestionType) -> None:
        super().__init__(orientation="horizontal", spacing=dp(6), size_hint_y=None)
        self.card, self.kind, self._showing = card, kind, False
        self.spec = spec = TEXT_KINDS_BY_TYPE[kind]
        self.field = Factory.Field(
            multiline=spec.multiline, input_filter=spec.input_filter, hint_text=_(spec.hint_text)
        )
        self.field.input_type = spec.input_type
        if spec.multiline:
            self.field.height = dp(110)
        self.height = self.field.height
        self.field.bind(text=self._typed)
        self.add_widget(self.field)
        if spec.shortcut:
            shortcut = Factory.TouchButton(text=_(spec.shortcut), size_hint_x=None, width=dp(96))
            shortcut.bind(on_release=lambda *_: self._now())
            self.add_widget(shortcut)

    def show(self, value: Any) -> None:
        self._showing = True
        self.field.text = (
            ""
            if value is None
            else (str(value) if not isinstance(value, float) or not value.is_integer() else str(value))
        )
        self._showing = False

    def _now(self) -> None:
        from .running import running_app

        now = running_app().devices.clock.now().astimezone()
        self.field.text = now.strftime(self.spec.now_format)

    def _typed(self, _field: object, text: str) -> None:
        if self._showing:
            return
        text = text.strip()
        if not text:
            self.card.save_value(None)
            return
        value = parse(self.kind, text)
        if value is None:
            self.card.set_hint(_(self.spec.wrong_hint))
            return
        self.card.set_hint("")
        self.card.save_value(value)


def parse(kind: QuestionType, text: str) -> Any:
    """The value a typed text stands for, or None while it is not one yet."""
    return TEXT_KINDS_BY_TYPE[kind].parse(text)


def _yes_no_input(card: QuestionCard) -> Widget:
    labels = {o.value: o.label for o in card.question.options or ()}
    return ChoiceInput(card, [("yes", labels.get("yes", _("Yes"))), ("no", labels.get("no", _("No")))], cols=2)


def _choice_input(card: QuestionCard) -> Widget:
    return ChoiceInput(card, [(o.value, o.label) for o in card.question.options or ()], cols=1)


def _scale_input(card: QuestionCard) -> Widget:
    low, high = int(card.question.min or 1), int(card.question.max or 5)
    points = [(n, str(n)) for n in range(low, high + 1)]
    return ChoiceInput(card, points, cols=min(len(points), 6))


def _photo_input(card: QuestionCard) -> Widget:
    from .photos import PhotoInput

    return PhotoInput(card)


def _typed_input(card: QuestionCard) -> Widget:
    return TextLikeInput(card, card.question.type)


INPUTS_BY_TYPE: dict[QuestionType, Callable[[QuestionCard], Widget]] = {
    QuestionType.YES_NO: _yes_no_input,
    QuestionType.CHOICE: _choice_input,
    QuestionType.SCALE: _scale_input,
    QuestionType.NUMBER: _typed_input,
    QuestionType.TEXT: _typed_input,
    QuestionType.PHOTO: _photo_input,
    QuestionType.DATE: _typed_input,
    QuestionType.TIME: _typed_input,
}
"""The answer input of each question type (the types in TEXT_KINDS_BY_TYPE use TextLikeInput)."""


def make_input(card: QuestionCard):
    """The input widget for the card's question type (photo questions use PhotoInput from photos.py)."""
    return INPUTS_BY_TYPE[card.question.type](card)
