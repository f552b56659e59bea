"""Settings: who is signed in, where data lives, sync now, and sign out (warning about unsent visits, never deleting)."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from ..i18n import LANGUAGE_NAMES, _, available_languages, count_text, current_language
from .base import AppScreen


class SettingsScreen(AppScreen):
    """Account details and sign out."""

    details = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="settings", **kwargs)
        self.popup: Popup | None = None

    def on_pre_enter(self, *args: object) -> None:
        app = self.app
        account = self.shop.account
        devices = app.devices
        position = _("GPS") if devices.gps.available else _("not available on this device (recorded as absent)")
        self.details = "\n".join(
            [
                _("Signed in as {name} <{email}>").format(name=account.name, email=account.email),
                _("Server: {url}").format(url=account.server_url),
                _("Data folder: {folder}").format(folder=app.data_dir),
                _("Photos from: {camera}; position: {position}").format(camera=devices.camera.name, position=position),
            ]
        )
        self.show_languages()

    def show_languages(self) -> None:
        """One button per language with a catalogue, and the phone's own language; the one in use is selected."""
        chosen = self.app.resume.get("language")
        grid = self.ids.languages
        grid.clear_widgets()
        for code in [None, *available_languages()]:
            if code is None:
                in_use = LANGUAGE_NAMES.get(current_language(), current_language()) if chosen is None else ""
                label = _("Phone's language") + (f" ({in_use})" if in_use else "")
            else:
                label = LANGUAGE_NAMES.get(code, code)
            button = Factory.ChoiceButton(text=label, group="language", allow_no_selection=False)
            button.state = "down" if chosen == code else "normal"
            button.bind(on_release=lambda _b, c=code: self.app.use_language(c))
            grid.add_widget(button)

    def ask_sign_out(self) -> None:
        """Sign out at once when nothing is unsent; else warn first (the visits stay on the phone either way)."""
        unsent = self.app.unsent_count()
        if not unsent:
            self.sign_out()
            return
        box = BoxLayout(orientation="vertical", spacing=dp(8), padding=dp(8))
        box.add_widget(
            Factory.Wrapped(
                text=count_text(
                    unsent,
                    "{n} visit on this phone is not on the server yet.",
                    "{n} visits on this phone are not on the server yet.",
                )
                + " "
                + _(
                    "If you sign out they stay on this phone, but nobody can send them until you sign in again "
                    "with this account. Sync first if you can."
                )
            )
        )
        row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(8))
        stay = Factory.TouchButton(text=_("Stay signed in"))
        leave = Factory.DangerButton(text=_("Sign out anyway"))
        stay.bind(on_release=lambda *_: self._dismiss())
        leave.bind(on_release=lambda *_: self._dismiss_and_sign_out())
        row.add_widget(stay)
        row.add_widget(leave)
        box.add_widget(row)
        self.popup = Popup(title=_("Unsent visits"), content=box, size_hint=(0.92, None), height=dp(320))
        self.popup.open()

    def _dismiss(self) -> None:
        if self.popup is not None:
            self.popup.dismiss()

    def _dismiss_and_sign_out(self) -> None:
        """Close the warning, then sign out."""
        self._dismiss()
        self.sign_out()

    def sign_out(self) -> None:
        self.app.sign_out(_("Signed out. Your unsent visits are kept on this phone."))
