"""A captured photo made into the file that is sent: upright, long edge at most the checklist's limit, JPEG, no EXIF.

Camera files carry EXIF (the GPS position among it) and are often 12 MP or more; the checklist's photo_settings
say how large the stored photo may be. The capture position travels in the visit's manifest instead of in the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.checklist import PhotoSettings

from .errors import StoreError

AS_IS_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
"""Formats stored byte for byte when already small enough and free of metadata (re-encoding would only lose)."""

METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment")
"""Image.info keys that can carry where and with what a photo was taken."""

UNREADABLE = (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError)
"""What Pillow raises for a file it cannot decode (truncated, corrupt, an unsupported codec such as HEIC)."""


def encode_photo(source: Path, target: Path, settings: PhotoSettings) -> str:
    """Write ``source`` to ``target`` as it will be sent; returns its content type. StoreError if unreadable."""
    try:
        with Image.open(source) as image:
            if _already_fit(image, settings):
                shutil.copyfile(source, target)
                return AS_IS_FORMATS[str(image.format)]
            _write_jpeg(image, target, settings)
            return "image/jpeg"
    except UNREADABLE as error:
        raise StoreError(f"{source.name} could not be read as a photo ({_reason(error)})") from None


def _already_fit(image: Image.Image, settings: PhotoSettings) -> bool:
    """A single-frame JPEG, PNG or WebP within the size limit and with no metadata needs no re-encoding."""
    return (
        image.format in AS_IS_FORMATS
        and max(image.size) <= settings.max_edge_px
        and getattr(image, "n_frames", 1) == 1
        and not image.getexif()
        and not any(key in image.info for key in METADATA_KEYS)
    )


def _write_jpeg(image: Image.Image, target: Path, settings: PhotoSettings) -> None:
    """Downscale (JPEG decoded at a reduced scale first: fast on a 12 MP file), turn upright, flatten, save."""
    icc_profile = image.info.get("icc_profile")
    image.thumbnail((settings.max_edge_px, settings.max_edge_px), Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image) or image
    flat = _flatten_on_white(upright)
    # no exif= argument: the saved file carries no EXIF (no GPS, no camera serial); the colour profile stays
    flat.save(target, "JPEG", quality=settings.jpeg_quality, optimize=True, icc_profile=icc_profile)


def _flatten_on_white(image: Image.Image) -> Image.Image:
    """An RGB image; transparent parts become white (JPEG has no alpha, and white is how a page shows them)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _reason(error: BaseException) -> str:
    """A short reason for the shopper, without Pillow's internals."""
    if isinstance(error, UnidentifiedImageError):
        return "the app cannot read this kind of image; take the photo as JPEG"
    if isinstance(error, Image.DecompressionBombError):
        return "it has too many pixels"
    return "the file is damaged or incomplete"
