"""AppScreen: what every screen shares, the signed-in account's store as a Kivy property and the app itself."""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty
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
