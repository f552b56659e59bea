"""Images in reports: photo thumbnails embedded as the ready-made JPEGs they are, logos downscaled with Pillow.

Photo thumbnails are the server's `thumb` renditions (made once, when the upload completed): their
JPEG bytes go into the PDF as they are (reportlab copies a JPEG's data stream), so building a
report never decodes a photo. A thumbnail that is not a small JPEG is left out, never shrunk here.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image

THUMB_PIXELS = 360
"""Longest side of a photo thumbnail, in pixels (about 200 dpi at the 4.5 cm a thumbnail is drawn)."""
EMBED_MAX_SIDE = 1024
"""Thumbnails larger than this are not embedded: a report never carries camera-size photos."""
LOGO_PIXELS = 480
MAX_SOURCE_PIXELS = 80_000_000
"""Larger images are refused rather than decoded (a decompression-bomb guard)."""


def downscale(data: bytes, max_side: int, keep_alpha: bool = False) -> tuple[bytes, int, int] | None:
    """Decode an image, turn it upright (EXIF), shrink it to max_side; JPEG (or PNG with alpha) bytes, or None if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PILImage.open(io.BytesIO(data)) as source:
                if source.width * source.height > MAX_SOURCE_PIXELS:
                    return None
                source.draft("RGB", (max_side * 2, max_side * 2))
                img = ImageOps.exif_transpose(source)
                alpha = keep_alpha and (img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info)
                img = img.convert("RGBA" if alpha else "RGB")
                img.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
                out = io.BytesIO()
                if alpha:
                    img.save(out, "PNG", optimize=True)
                else:
                    img.save(out, "JPEG", quality=78, optimize=True)
                return out.getvalue(), img.width, img.height
    except Exception:  # noqa: BLE001 - any undecodable upload becomes a placeholder, never a failed report
        return None


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a baseline-readable JPEG of at most EMBED_MAX_SIDE a side, from its header only; else None."""
    if not data.startswith(b"\xff\xd8\xff"):
        return None
    try:
        with PILImage.open(io.BytesIO(data), formats=["JPEG"]) as img:
            if img.mode not in ("RGB", "L") or max(img.size) > EMBED_MAX_SIDE:
                return None
            return img.size
    except Exception:  # noqa: BLE001 - not a JPEG after all
        return None


class _JpegReader(ImageReader):
    """An ImageReader for a ready-made JPEG that names it by its bytes, so drawing it never decodes its pixels."""

    def getRGBData(self) -> bytes:
        """The JPEG's own bytes: reportlab only hashes this to name the image, and embeds a JPEG's stream as it is."""
        self._dataA = None
        return self.fp.getvalue()


class _ReadyJpeg(Image):
    """A platypus Image of JPEG bytes drawn through _JpegReader."""

    def __init__(self, data: bytes, width: float, height: float):
        self._img = _JpegReader(io.BytesIO(data))
        super().__init__(io.BytesIO(data), width=width, height=height)


def embedded(data: bytes, max_width: float, max_height: float) -> Flowable | None:
    """A reportlab Image of a ready-made thumbnail JPEG, fitted inside max_width x max_height points; None if unusable."""
    size = jpeg_size(data)
    if size is None:
        return None
    width, height = size
    scale = min(max_width / width, max_height / height)
    return _ReadyJpeg(data, width * scale, height * scale)


def logo(data: bytes | None, max_width: float, max_height: float) -> Flowable | None:
    """The header logo, downscaled and fitted; None when absent or unreadable."""
    if not data:
        return None
    small = _small_logo(data)
    if small is None:
        return None
    body, width, height = small
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(body), width=width * scale, height=height * scale)


@lru_cache(maxsize=16)
def _small_logo(data: bytes) -> tuple[bytes, int, int] | None:
    """The logo downscaled once per process: an organisation's logo is the same in every report it builds."""
    return downscale(data, LOGO_PIXELS, keep_alpha=True)
