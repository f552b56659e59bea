"""Draw the Android launcher icon and presplash (mobile/assets/*.png) so they stay reproducible: run after a change."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parents[1] / "mobile" / "assets"
NAVY = (16, 42, 74)
BLUE = (33, 120, 217)
WHITE = (255, 255, 255)
GREEN = (46, 184, 114)


def clipboard(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    """A checklist board with three ticked lines: what a Fieldaudit visit is."""
    left, top, right, bottom = box
    width = right - left
    draw.rounded_rectangle(box, radius=width // 10, fill=WHITE)
    clip = (left + width * 3 // 10, top - width // 14, right - width * 3 // 10, top + width // 10)
    draw.rounded_rectangle(clip, radius=width // 30, fill=BLUE)
    row_height = (bottom - top) // 4
    for n in range(3):
        y = top + row_height * (n + 1)
        x = left + width // 8
        tick = width // 9
        draw.line(
            [(x, y), (x + tick // 2, y + tick // 2), (x + tick * 3 // 2, y - tick // 2)],
            fill=GREEN,
            width=max(3, width // 28),
            joint="curve",
        )
        draw.rounded_rectangle(
            (x + tick * 2, y - width // 40, right - width // 8, y + width // 40), radius=width // 40, fill=NAVY
        )


def icon(size: int = 512) -> Image.Image:
    """The launcher icon: the board on a blue rounded square."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BLUE)
    margin = size // 4
    clipboard(draw, (margin, margin + size // 20, size - margin, size - margin + size // 20))
    return image


def presplash(width: int = 1080, height: int = 1920) -> Image.Image:
    """What shows while Python starts on the phone: the board in the middle of the app's navy."""
    image = Image.new("RGB", (width, height), NAVY)
    draw = ImageDraw.Draw(image)
    side = width // 3
    left, top = (width - side) // 2, (height - side) // 2
    clipboard(draw, (left, top, left + side, top + side * 5 // 4))
    return image


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    icon().save(ASSETS / "icon.png", optimize=True)
    presplash().save(ASSETS / "presplash.png", optimize=True)
    print(f"wrote {ASSETS / 'icon.png'} and {ASSETS / 'presplash.png'}")


if __name__ == "__main__":
    main()
