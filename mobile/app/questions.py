"""A question card: text (optional questions marked), help, the typed input, N/A and a comment; saves on every change.

The layout is the ``<QuestionCard>`` rule in kv/visit.kv; this class fills in what depends on the question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from mobile.store import AccountStore, LocalAnswer
from shared.checklist import Question
from shared.question_types import takes_photos

from .i18n import _
from .running import running_app

InputFactory = Callable[["QuestionCard"], Widget]
"""Builds the input widget for a card's question type (inputs.make_input; passed in, so no import cycle)."""


def title_markup(question: Question, muted_hex: str = "3d4a5c") -> str:
    """The question's text as Kivy markup (escaped); an optional question says so, since most are required."""
    marker = "" if question.required else f"  [color={muted_hex}]{escape_markup(_('(optional)'))}[/color]"
    return f"{escape_markup(question.text)}{marker}"


class QuestionCard(BoxLayout):
    """One question of the open visit; ``on_saved`` lets the visit screen re-apply visible_if and progress."""

    title = StringProperty("")
    """The question's text as markup (escaped; "(optional)" after an optional question)."""
    help_text = StringProperty("")
    legend = StringProperty("")
    """What the points of a scale mean ("1 = poor, 5 = great"), shown for scale questions only."""
    highlighted = BooleanProperty(False)
    """The reviewer's note names this question (a correction): the card has a coloured border and background."""

    def __init__(
        self,
        shop: AccountStore,
        visit_id: str,
        question: Question,
        answer: LocalAnswer | None,
        on_saved: Callable[[str], None],
        errors: list[str] | None = None,
        *,
        make_input: InputFactory,
    ) -> None:
        self.shop, self.visit_id, self.question, self.on_saved = shop, visit_id, question, on_saved
        self._loading = True
        legend = ", ".join(f"{n} = {label}" for n, label in question.labels or ())
        theme = running_app().theme
        super().__init__(
            title=title_markup(question, theme.hex("muted")),
            help_text=question.help or "",
            legend=legend if question.type == "scale" else "",
        )
        for error in errors or ():
            shown = _("Reviewer/server: {error}").format(error=error)
            self.ids.errors.add_widget(Factory.Wrapped(text=shown, color=theme.danger))
        self.input: Any = make_input(self)
        self.ids.input_slot.add_widget(self.input)
        self.hint = self.ids.hint
        self.comment = self.ids.comment
        self.na: Any = None
        if question.allow_na:
            self.na = Factory.NaToggle()
            self.na.bind(on_press=lambda b: self.save_na(b.state == "down"))
            self.ids.na_slot.add_widget(self.na)
        self.show(answer)
        self._loading = False

    def show(self, answer: LocalAnswer | None) -> None:
        """Put the saved answer on screen (without saving it again)."""
        self._loading = True
        if not takes_photos(self.question.type):
            self.input.show(None if answer is None or answer.na else answer.value)
        if self.na is not None:
            self.na.state = "down" if answer is not None and answer.na else "normal"
        self.comment.text = answer.comment if answer is not None else ""
        self._loading = False

    def set_hint(self, text: str) -> None:
        self.hint.text, self.hint.opacity = text, 1 if text else 0

    def save_value(self, value: Any) -> None:
        if self._loading:
            return
        self.shop.drafts.save_answer(self.visit_id, self.question.key, value=value)
        if value is not None and self.na is not None:
            self.na.state = "normal"
        self.on_saved(self.question.key)

    def save_na(self, na: bool) -> None:
        if self._loading:
            return
        self.shop.drafts.save_answer(self.visit_id, self.question.key, na=na)
        if na and not takes_photos(self.question.type):
            self._loading = True
            self.input.show(None)
            self._loading = False
        self.on_saved(self.question.key)

    def save_comment(self, text: str) -> None:
        if self._loading:
            return
        self.shop.drafts.save_answer(self.visit_id, self.question.key, comment=text)
