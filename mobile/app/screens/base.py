"""AppScreen: what every screen shares, the signed-in account's store as a Kivy property and the app itself."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import ObjectProperty
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from ..running import running_app


class AppScreen(Screen):
    """A screen of the app: ``shop`` follows ``app.shop`` (kv rule in styles.kv), ``app`` is the running app."""

    shop = ObjectProperty(None, allownone=True)
    """The signed-in account's AccountStore (drafts, pulled, outbox); None while nobody is signed in."""

    @property
    def app(self) -> Any:
        """The running FieldauditApp: devices, navigation, the sync controller."""
        return running_app()


class FitsContent:
    """A RecycleView row as tall as its content, however the RecycleView sized it.

    The RecycleView gives a row the height it estimates or the one its view had for another item; the row's own
    binding (``height: self.minimum_height``) does not fire again when its content did not change, so the row
    puts its content's height back itself.
    """

    height: float

    def natural_height(self) -> float:
        return float(self.minimum_height)  # type: ignore[attr-defined]  # a Kivy layout's property

    def on_height(self, _view: object, height: float) -> None:
        if height != self.natural_height():
            self.height = self.natural_height()


class ListText(FitsContent, Label):
    """A line of text in a RecycleView list (the empty message): as tall as its wrapped text."""

    def natural_height(self) -> float:
        return float(self.texture_size[1] + dp(4))

    def on_texture_size(self, _label: object, _size: object) -> None:
        self.height = self.natural_height()


class ListHeading(ListText):
    """A group heading in a RecycleView list ("Today", "Upcoming")."""
