"""A question card: text with required marker, help, the typed input, N/A and a comment; saves on every change."""

from __future__ import annotations

from collections.abc import Callable

from kivy.factory import Factory
from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.togglebutton import ToggleButton
from kivy.utils import escape_markup

from mobile.store import AccountStore, LocalAnswer
from shared.checklist import Question

from .inputs import make_input


class QuestionCard(BoxLayout):
    """One question of the open visit; ``on_saved`` lets the visit screen re-apply visible_if and progress."""

    def __init__(self, shop: AccountStore, visit_id: str, question: Question, answer: LocalAnswer | None,
                 on_saved: Callable[[str], None], errors: list[str] | None = None) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, padding=dp(12), spacing=dp(8))
        self.bind(minimum_height=self.setter("height"))
        self.shop, self.visit_id, self.question, self.on_saved = shop, visit_id, question, on_saved
        self._loading = True
        marker = "  [color=ff8866][b]* required[/b][/color]" if question.required else ""
        self.add_widget(Factory.Wrapped(text=f"{escape_markup(question.text)}{marker}", markup=True, font_size=sp(17)))
        if question.help:
            self.add_widget(Factory.Muted(text=question.help))
        for error in errors or ():
            self.add_widget(Factory.Wrapped(text=f"Reviewer/server: {error}", color=(1, 0.6, 0.5, 1)))
        legend = ", ".join(f"{n} = {label}" for n, label in question.labels or ())
        if question.type == "scale" and legend:
            self.add_widget(Factory.Muted(text=legend))
        self.input = make_input(self)
        self.add_widget(self.input)
        self.hint = Factory.Muted(text="", color=(1, 0.6, 0.5, 1), opacity=0)
        self.add_widget(self.hint)
        self.na = None
        if question.allow_na:
            self.na = ToggleButton(text="Not applicable (N/A)", size_hint_y=None, height=dp(48), font_size=sp(15))
            self.na.bind(on_press=lambda b: self.save_na(b.state == "down"))
            self.add_widget(self.na)
        self.comment = Factory.Field(hint_text="Comment (optional)")
        self.comment.bind(text=lambda _f, text: self.save_comment(text))
        self.add_widget(self.comment)
        self.show(answer)
        self._loading = False
        with self.canvas.before:
            from kivy.graphics import Color, RoundedRectangle

            Color(0.16, 0.18, 0.22, 1)
            self._bg = RoundedRectangle(radius=[dp(6)])
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: object) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    def show(self, answer: LocalAnswer | None) -> None:
        """Put the saved answer on screen (without saving it again)."""
        self._loading = True
        if self.question.type != "photo":
            self.input.show(None if answer is None or answer.na else answer.value)
        if self.na is not None:
            self.na.state = "down" if answer is not None and answer.na else "normal"
        self.comment.text = answer.comment if answer is not None else ""
        self._loading = False

    def set_hint(self, text: str) -> None:
        self.hint.text, self.hint.opacity = text, 1 if text else 0

    def save_value(self, value) -> None:
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
        if na and self.question.type != "photo":
            self._loading = True
            self.input.show(None)
            self._loading = False
        self.on_saved(self.question.key)

    def save_comment(self, text: str) -> None:
        if self._loading:
            return
        self.shop.drafts.save_answer(self.visit_id, self.question.key, comment=text)
