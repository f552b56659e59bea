"""Desktop devices: a file chooser instead of a camera, no GPS (recorded as absent), the system clock, a popup to
paste the sign-in link (or type server and code) instead of scanning the QR code, a network that is always up and
unmetered (whether the server answers is the sync's business) and a battery it cannot read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .base import (
    SCAN_LABELS,
    Camera,
    CodeScanner,
    Devices,
    Gps,
    Network,
    PhotoCallback,
    Power,
    ScanCallback,
    SystemClock,
)

IMAGE_FILTERS = ["*.png", "*.jpg", "*.jpeg", "*.PNG", "*.JPG", "*.JPEG", "*.webp"]


class FileChooserCamera(Camera):
    """Lets the shopper pick an image file in a popup; the picked file is copied by the store, never moved."""

    name = "file chooser"

    def capture(self, target_path: str, on_done: PhotoCallback) -> None:
        from kivy.metrics import dp
        from kivy.uix.boxlayout import BoxLayout
        from kivy.uix.button import Button
        from kivy.uix.filechooser import FileChooserListView
        from kivy.uix.popup import Popup

        chooser = FileChooserListView(path=str(Path.home()), filters=IMAGE_FILTERS)
        box = BoxLayout(orientation="vertical", spacing=dp(8))
        row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(8))
        cancel, use = Button(text="Cancel"), Button(text="Use this image")
        row.add_widget(cancel)
        row.add_widget(use)
        box.add_widget(chooser)
        box.add_widget(row)
        popup = Popup(title="Choose a photo", content=box, size_hint=(0.95, 0.9))

        def finish(path: str | None) -> None:
            popup.dismiss()
            on_done(path)

        cancel.bind(on_release=lambda *_: finish(None))
        use.bind(on_release=lambda *_: finish(chooser.selection[0] if chooser.selection else None))
        chooser.bind(on_submit=lambda _c, selection, _t: finish(selection[0] if selection else None))
        popup.open()


def typed_link(link: str, server: str, code: str) -> str | None:
    """What the paste popup hands on: the pasted link, else a link made of the typed server and code (None: nothing)."""
    if link.strip():
        return link.strip()
    if server.strip() or code.strip():
        return "fieldaudit://enrol?" + urlencode({"server": server.strip(), "code": code.strip()})
    return None


def paste_popup(on_done: ScanCallback, labels: Mapping[str, str], extra: str = "") -> Any:
    """A popup with the link field, or server and code fields; on_done(text or None). Returns the open popup."""
    from kivy.metrics import dp
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.label import Label
    from kivy.uix.popup import Popup
    from kivy.uix.textinput import TextInput

    def label(text: str) -> Label:
        shown = Label(text=text, size_hint_y=None, halign="left", valign="middle")
        shown.bind(width=lambda w, width: setattr(w, "text_size", (width, None)))
        shown.bind(texture_size=lambda w, size: setattr(w, "height", max(dp(24), size[1])))
        return shown

    def field(hint: str) -> TextInput:
        return TextInput(hint_text=hint, multiline=False, size_hint_y=None, height=dp(44), write_tab=False)

    link, server, code = (
        field("fieldaudit://enrol?..."),
        field("https://audit.example.com"),
        field("ABCD-EFGH-JKMN-PQRS"),
    )
    box = BoxLayout(orientation="vertical", spacing=dp(6), padding=dp(4))
    for widget in (label(labels["link"]), link, label(labels["or"]), label(labels["server"]), server):
        box.add_widget(widget)
    for widget in (label(labels["code"]), code, *([label(extra)] if extra else [])):
        box.add_widget(widget)
    row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(8))
    cancel, use = Button(text=labels["cancel"]), Button(text=labels["use"])
    row.add_widget(cancel)
    row.add_widget(use)
    box.add_widget(BoxLayout())  # pushes the buttons to the bottom
    box.add_widget(row)
    popup = Popup(title=labels["title"], content=box, size_hint=(0.95, 0.9))

    def finish(text: str | None) -> None:
        popup.dismiss()
        on_done(text)

    cancel.bind(on_release=lambda *_: finish(None))
    use.bind(on_release=lambda *_: finish(typed_link(link.text, server.text, code.text)))
    popup.open()
    return popup


class PasteScanner(CodeScanner):
    """No camera to scan with: the shopper pastes the link, or types the server address and code from the screen."""

    name = "paste popup"

    def scan(self, on_done: ScanCallback, labels: Mapping[str, str] = SCAN_LABELS) -> None:
        paste_popup(on_done, labels)


class DesktopNetwork(Network):
    """A desktop is taken to be connected and unmetered: automatic syncs run on their schedule."""

    name = "desktop network"

    @property
    def connected(self) -> bool | None:
        return True

    @property
    def metered(self) -> bool | None:
        return False


def desktop_devices() -> Devices:
    """What a laptop offers: file chooser, no GPS, system clock, a paste popup for the sign-in code, an unmetered
    network, an unknown battery."""
    return Devices(
        FileChooserCamera(), Gps(), SystemClock(), scanner=PasteScanner(), network=DesktopNetwork(), power=Power()
    )
