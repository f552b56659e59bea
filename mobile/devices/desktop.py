"""Desktop devices: a file chooser instead of a camera, no GPS (recorded as absent), the system clock, a network
that is always up and unmetered (whether the server answers is the sync's business) and a battery it cannot read."""

from __future__ import annotations

from pathlib import Path

from .base import Camera, Devices, Gps, Network, PhotoCallback, Power, SystemClock

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
    """What a laptop offers: file chooser, no GPS, system clock, an unmetered network, an unknown battery."""
    return Devices(FileChooserCamera(), Gps(), SystemClock(), DesktopNetwork(), Power())
