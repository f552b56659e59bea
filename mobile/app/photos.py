"""The photo input: capture through the camera facade, copy into the store at once, show thumbnails to remove."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from mobile.store import StoreError

from .running import running_app

if TYPE_CHECKING:
    from .questions import QuestionCard


class PhotoInput(BoxLayout):
    """Photos of one question: a capture button, then each photo with a remove button."""

    def __init__(self, card: QuestionCard) -> None:
        super().__init__(orientation="vertical", spacing=dp(6), size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.card = card
        app = running_app()
        verb = "Choose a photo file" if app.devices.camera.name == "file chooser" else "Take a photo"
        self.capture_button = Factory.TouchButton(text=verb)
        self.capture_button.bind(on_release=lambda *_: self.capture())
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
                Factory.Muted(
                    text=f"Photo {n}: {photo.size // 1024 or 1} KB, {photo.taken_at.astimezone():%H:%M}", size_hint_y=1
                )
            )
            remove = Factory.TouchButton(text="Remove", size_hint_x=None, width=dp(96), pos_hint={"center_y": 0.5})
            remove.bind(on_release=lambda *_, pid=photo.id: self.remove(pid))
            row.add_widget(remove)
            self.gallery.add_widget(row)
        self.capture_button.text = self.capture_button.text.split(" (")[0] + (
            f" ({len(photos)} of {wanted} needed)" if wanted else f" ({len(photos)} taken)"
        )

    def capture(self) -> None:
        app = running_app()
        folder = Path(app.data_dir) / "capture"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4()}.jpg"
        app.devices.camera.capture(str(target), lambda path: self._captured(path, target))

    def _captured(self, path: str | None, target: Path) -> None:
        if not path:
            self.card.set_hint("No photo was taken.")
            return
        app = running_app()
        try:
            self.card.shop.drafts.add_photo(
                self.card.visit_id, self.card.question.key, path, taken_at=app.devices.clock.now()
            )
        except (StoreError, OSError, ValueError) as error:
            self.card.set_hint(f"The photo could not be saved: {error}")
            return
        finally:
            if Path(path) == target:
                target.unlink(missing_ok=True)
        self.card.set_hint("")
        self.refresh()
        self.card.on_saved(self.card.question.key)

    def remove(self, photo_id: str) -> None:
        self.card.shop.drafts.remove_photo(photo_id)
        self.refresh()
        self.card.on_saved(self.card.question.key)
