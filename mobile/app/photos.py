"""The photo input: capture through the camera facade, store it (downscaled, off the UI thread), show thumbnails."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from mobile.store import StoreError
from shared.visit import Location

from .i18n import _, count_text
from .running import running_app

if TYPE_CHECKING:
    from .questions import QuestionCard


class PhotoInput(BoxLayout):
    """Photos of one question: a capture button, then each photo with a remove button.

    Storing a photo re-encodes it (about a second for 12 MP on a phone), so it runs in a thread; ``busy`` is True
    meanwhile and the capture button is off.
    """

    def __init__(self, card: QuestionCard) -> None:
        super().__init__(orientation="vertical", spacing=dp(6), size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.card = card
        self.busy = False
        app = running_app()
        self.verb = _("Choose a photo file") if app.devices.camera.name == "file chooser" else _("Take a photo")
        self.capture_button = Factory.TouchButton(text=self.verb)
        self.capture_button.bind(on_release=lambda *_args: self.capture())
        self.gallery = BoxLayout(orientation="vertical", spacing=dp(6), size_hint_y=None, height=0)
        self.gallery.bind(minimum_height=self.gallery.setter("height"))
        self.add_widget(self.gallery)
        self.add_widget(self.capture_button)
        self.refresh()

    def show(self, value: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """List the question's photos from the store."""
        shop, key = self.card.shop, self.card.question.key
        self.gallery.clear_widgets()
        photos = shop.drafts.photos(self.card.visit_id, key)
        wanted = self.card.question.min_photos or (1 if self.card.question.required else 0)
        for n, photo in enumerate(photos, 1):
            row = BoxLayout(size_hint_y=None, height=dp(96), spacing=dp(8))
            path = shop.drafts.photo_path(photo)
            row.add_widget(Image(source=str(path) if path else "", size_hint_x=None, width=dp(120), fit_mode="contain"))
            row.add_widget(
                Factory.Muted(text=photo_caption(n, photo.size, photo.taken_at, photo.location), size_hint_y=1)
            )
            remove = Factory.TouchButton(text=_("Remove"), size_hint_x=None, width=dp(96), pos_hint={"center_y": 0.5})
            remove.bind(on_release=lambda *_args, pid=photo.id: self.remove(pid))
            row.add_widget(remove)
            self.gallery.add_widget(row)
        if wanted:
            progress = _("{taken} of {wanted} needed").format(taken=len(photos), wanted=wanted)
        else:
            progress = count_text(len(photos), "{n} taken", "{n} taken")
        self.capture_button.text = f"{self.verb} ({progress})"

    def capture(self) -> None:
        app = running_app()
        folder = Path(app.data_dir) / "capture"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4()}.jpg"
        app.devices.camera.capture(str(target), lambda path: self._captured(path, target))

    def _captured(self, path: str | None, target: Path) -> None:
        if not path:
            self.card.set_hint(_("No photo was taken."))
            return
        app = running_app()
        taken_at, location = app.devices.clock.now(), app.devices.gps.last
        self.busy, self.capture_button.disabled = True, True
        self.card.set_hint(_("Saving the photo..."))
        worker = threading.Thread(
            target=self._store, args=(path, target, taken_at, location), name="photo-store", daemon=True
        )
        worker.start()

    def _store(self, path: str, target: Path, taken_at: datetime, location: Location | None) -> None:
        """In the worker thread: downscale and store the photo, then report back on the UI thread."""
        error = None
        try:
            self.card.shop.drafts.add_photo(
                self.card.visit_id, self.card.question.key, path, taken_at=taken_at, location=location
            )
        except (StoreError, OSError, ValueError) as failure:
            error = str(failure)
        finally:
            if Path(path) == target:
                target.unlink(missing_ok=True)
        Clock.schedule_once(lambda _dt: self._stored(error))

    def _stored(self, error: str | None) -> None:
        self.busy, self.capture_button.disabled = False, False
        if error is not None:
            self.card.set_hint(_("The photo could not be saved: {error}").format(error=error))
            return
        self.card.set_hint("")
        self.refresh()
        self.card.on_saved(self.card.question.key)

    def remove(self, photo_id: str) -> None:
        self.card.shop.drafts.remove_photo(photo_id)
        self.refresh()
        self.card.on_saved(self.card.question.key)


def photo_caption(n: int, size: int, taken_at: datetime, location: Location | None) -> str:
    """ "Photo 2: 312 KB, 14:32, position ±8 m": what the shopper sees beside a thumbnail (plain text, no markup)."""
    text = _("Photo {n}: {kb} KB, {time}").format(n=n, kb=size // 1024 or 1, time=f"{taken_at.astimezone():%H:%M}")
    if location is None:
        return text + ", " + _("no position")
    if location.accuracy_m is None:
        return text + ", " + _("position recorded")
    return text + ", " + _("position ±{metres} m").format(metres=round(location.accuracy_m))
