"""The one way Python code reaches the running app (kv rules say ``app``); screens and inputs use it through here."""

from __future__ import annotations

from typing import Any

from kivy.app import App


def running_app() -> Any:
    """The FieldauditApp Kivy is running (typed loosely: importing main here would make an import cycle)."""
    return App.get_running_app()
