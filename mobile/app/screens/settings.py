"""Settings: who is signed in, where data lives, sync now, and sign out (warning about unsent visits, never deleting)."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

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
        self.details = (
            f"Signed in as {account.name} <{account.email}>\nServer: {account.server_url}\n"
            f"Data folder: {app.data_dir}\nPhotos from: {devices.camera.name}; position: "
            f"{'GPS' if devices.gps.available else 'not available on this device (recorded as absent)'}"
        )

    def ask_sign_out(self) -> None:
        """Sign out at once when nothing is unsent; else warn first (the visits stay on the phone either way)."""
        unsent = self.app.unsent_count()
        if not unsent:
            self.sign_out()
            return
        box = BoxLayout(orientation="vertical", spacing=dp(8), padding=dp(8))
        box.add_widget(
            Factory.Wrapped(
                text=f"{unsent} visit(s) on this phone are not on the server yet. If you "
                "sign out they stay on this phone, but nobody can send them until "
                "you sign in again with this account. Sync first if you can."
            )
        )
        row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(8))
        stay = Factory.TouchButton(text="Stay signed in")
        leave = Factory.DangerButton(text="Sign out anyway")
        stay.bind(on_release=lambda *_: self._dismiss())
        leave.bind(on_release=lambda *_: self._dismiss_and_sign_out())
        row.add_widget(stay)
        row.add_widget(leave)
        box.add_widget(row)
        self.popup = Popup(title="Unsent visits", content=box, size_hint=(0.92, None), height=dp(320))
        self.popup.open()

    def _dismiss(self) -> None:
        if self.popup is not None:
            self.popup.dismiss()

    def _dismiss_and_sign_out(self) -> None:
        """Close the warning, then sign out."""
        self._dismiss()
        self.sign_out()

    def sign_out(self) -> None:
        self.app.sign_out("Signed out. Your unsent visits are kept on this phone.")
