"""One confirmation popup for every "are you sure?" on the phone: wrapped text, two big buttons, Cancel on the left."""

from __future__ import annotations

from collections.abc import Callable

from kivy.factory import Factory
from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup
from kivy.uix.widget import Widget

from .i18n import _

BUTTON_HEIGHT = dp(56)
"""Both buttons are at least this tall (a thumb's target is 48 dp)."""


class Confirmation(Popup):
    """The popup ``confirm`` opens; ``yes`` and ``no`` are its buttons (tests press them)."""

    yes: Widget
    no: Widget
    answered = False
    """A button was pressed: the popup is closing and takes no second answer."""


def confirm(
    title: str,
    text: str,
    yes_label: str,
    on_yes: Callable[[], None],
    *,
    no_label: str | None = None,
    on_no: Callable[[], None] | None = None,
    danger: bool = False,
) -> Confirmation:
    """Ask before doing something: ``on_yes`` runs after the popup closed; Cancel (or a tap outside) does nothing.

    ``text`` is plain text (shown without markup); ``danger`` colours the yes button red (discard, sign out)."""
    box = BoxLayout(orientation="vertical", spacing=dp(12), padding=dp(8), size_hint_y=None)
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Factory.Wrapped(text=text, markup=False))
    row = BoxLayout(size_hint_y=None, height=BUTTON_HEIGHT, spacing=dp(8))
    no = Factory.TouchButton(text=no_label or _("Cancel"), height=BUTTON_HEIGHT, shorten=False)
    yes = (Factory.DangerButton if danger else Factory.PrimaryButton)(
        text=yes_label, height=BUTTON_HEIGHT, shorten=False
    )
    row.add_widget(no)
    row.add_widget(yes)
    box.add_widget(row)
    popup = Confirmation(title=title, content=box, size_hint=(0.92, None), auto_dismiss=True)
    popup.title_size = sp(18)
    popup.yes, popup.no = yes, no
    # the popup is as tall as its text and buttons, plus its own title bar and frame
    box.bind(height=lambda _box, height: setattr(popup, "height", height + dp(80)))
    popup.height = box.height + dp(80)

    def answer(callback: Callable[[], None] | None) -> None:
        if popup.answered:
            return
        popup.answered = True
        popup.dismiss(animation=False)
        if callback is not None:
            callback()

    yes.bind(on_release=lambda *_args: answer(on_yes))
    no.bind(on_release=lambda *_args: answer(on_no))
    popup.bind(on_dismiss=lambda *_args: setattr(popup, "answered", True))
    popup.open()
    return popup
