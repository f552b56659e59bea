"""Decoding a photo once, with a pixel limit, into the downscaled JPEG renditions that pages and PDFs show.

An upload is decoded when its last byte has arrived and its SHA-256 matched: only the decoder of
the manifest's type is tried (a PNG declared as JPEG is refused), the pixel count is checked from
the header before any pixel is decoded, and two JPEG renditions are made from one decode (JPEG
`draft` and integer `reduce` first, so a 12-megapixel photo never becomes a full-size bitmap
twice): `page` (long edge PAGE_PIXELS) for web pages and `thumb` (THUMB_PIXELS) for PDF
thumbnails. Nothing else ever decodes an original again. Photos stored before renditions existed
get theirs the first time a page or PDF needs them (`ensure_renditions`).
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from reports.images import THUMB_PIXELS
from server.extensions import DbSession
from server.models import Photo
from server.services.errors import ServiceError
from server.services.transactions import in_atomic
from server.storage import PhotoStorage, StorageBusy, StorageError, rendition_key

try:  # HEIC/HEIF (iPhone photos) only when the optional pillow-heif is installed
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - depends on the install
    register_heif_opener = None
else:
    register_heif_opener()

Image.init()  # register every decoder plugin, so `formats=` below can name MPO and WebP (only those named are tried)
log = logging.getLogger(__name__)

PAGE_PIXELS = 1600
"""Long edge of the rendition web pages show (sharp on a laptop screen, a few hundred KB)."""
PAGE_QUALITY, THUMB_QUALITY = 85, 80
DECODERS: dict[str, tuple[str, ...]] = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",), "image/webp": ("WEBP",)}
"""Manifest type -> the only Pillow decoders tried for it (MPO: multi-picture JPEGs some cameras write)."""
if register_heif_opener is not None:  # pragma: no cover - depends on the install
    DECODERS.update({"image/heic": ("HEIF",), "image/heif": ("HEIF",)})
NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC", "image/heif": "HEIF"}


class ImageRefused(ServiceError):
    """The photo cannot be shown: over the pixel limit, not an image of its declared type, or unreadable (415)."""

    status = 415

    def __init__(self, message: str):
        super().__init__("photo", message)


@dataclass(frozen=True)
class Rendered:
    """The original's size in pixels and its two JPEG renditions."""

    width: int
    height: int
    page: bytes
    thumb: bytes


def readable(content_type: str) -> bool:
    """Whether this server can decode photos of this type (HEIC/HEIF need pillow-heif)."""
    return content_type in DECODERS


def max_pixels() -> int:
    """The configured pixel limit (PHOTO_MAX_PIXELS)."""
    return int(current_app.config["PHOTO_MAX_PIXELS"])


def render_photo(stream: BinaryIO, content_type: str, limit: int) -> Rendered:
    """Decode `stream` as `content_type` (at most `limit` pixels) into page and thumb JPEGs; ImageRefused if not."""
    name = NAMES.get(content_type, content_type)
    if content_type not in DECODERS:
        raise ImageRefused(f"This server cannot read {name} photos; send JPEG, PNG or WebP.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is checked below
        try:
            with Image.open(stream, formats=DECODERS[content_type]) as img:
                width, height = img.size
                if width * height > limit:
                    raise ImageRefused(
                        f"The photo is {width}×{height} pixels ({width * height / 1e6:.1f} megapixels);"
                        f" the server takes photos of at most {limit / 1e6:g} megapixels."
                    )
                page = _page(img)
        except ImageRefused:
            raise
        except Image.DecompressionBombError:
            raise ImageRefused(
                f"The photo has more pixels than the server decodes (at most {limit / 1e6:g} megapixels)."
            ) from None
        except UnidentifiedImageError:
            raise ImageRefused(f"The manifest says {name} but the file is not a {name} image.") from None
        except Exception as exc:  # noqa: BLE001 - truncated or corrupt data in any decoder
            raise ImageRefused(f"The {name} file could not be read ({type(exc).__name__}: {exc}).") from None
    thumb = page.copy()
    thumb.thumbnail((THUMB_PIXELS, THUMB_PIXELS), Image.Resampling.LANCZOS)
    return Rendered(width, height, _jpeg(page, PAGE_QUALITY), _jpeg(thumb, THUMB_QUALITY))


def _page(img: Image.Image) -> Image.Image:
    """The page-size RGB image: JPEG draft (DCT scaling), integer reduce, then one resample and EXIF orientation."""
    orientation = img.getexif().get(0x0112)
    img.draft("RGB", (PAGE_PIXELS, PAGE_PIXELS))  # JPEG only: decode at 1/2, 1/4 or 1/8 scale when that is enough
    img.load()
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGB")
    factor = max(img.size) // PAGE_PIXELS
    if factor >= 2:
        img = img.reduce(factor)
    if max(img.size) > PAGE_PIXELS:
        scale = PAGE_PIXELS / max(img.size)
        img = img.resize(
            (max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS
        )
    if img.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", img.size, "white")
        flat.paste(img.convert("RGBA"), mask=img.getchannel("A"))
        img = flat
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if orientation not in (None, 1):
        exif = Image.Exif()
        exif[0x0112] = orientation
        img.info["exif"] = exif.tobytes()
        img = ImageOps.exif_transpose(img)
    return img


def _jpeg(img: Image.Image, quality: int) -> bytes:
    """The image as baseline JPEG bytes (what reportlab embeds without decoding)."""
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def store_renditions(storage: PhotoStorage, key: str, rendered: Rendered) -> tuple[str, str]:
    """Write both renditions through the storage (each atomically); on any failure neither is left behind."""
    keys = rendition_key(key, "page"), rendition_key(key, "thumb")
    try:
        for target, data in zip(keys, (rendered.page, rendered.thumb)):
            storage.write_chunk(target, io.BytesIO(data), 0)
            storage.finalise(target)
    except BaseException:
        discard_renditions(storage, key)
        raise
    return keys


def discard_renditions(storage: PhotoStorage, key: str) -> None:
    """Remove a photo's renditions (final and partial), if any."""
    for name in ("page", "thumb"):
        storage.delete(rendition_key(key, name))


def ensure_renditions(session: DbSession, storage: PhotoStorage, photo: Photo) -> bool:
    """Give a complete photo stored before renditions existed its renditions, once; whether it has them now.

    The original is decoded under the photo's storage lock with the same pixel limit as an upload; a
    photo that cannot be rendered gets its `refused_reason` (shown instead of the picture) and is
    not tried again. Another request rendering it right now: False for this one.
    """
    if photo.thumb_key and photo.page_key:
        return True
    if photo.completed_at is None or not photo.storage_key or photo.refused_reason or photo.removed_at:
        return False
    try:
        with storage.lock(photo.storage_key), storage.open(photo.storage_key) as original:
            rendered = render_photo(original, photo.content_type, max_pixels())
            photo.page_key, photo.thumb_key = store_renditions(storage, photo.storage_key, rendered)
            photo.width, photo.height = rendered.width, rendered.height
    except StorageBusy:
        return False
    except ImageRefused as exc:
        photo.refused_reason = exc.message
        log.warning("photo %s cannot be shown: %s", photo.id, exc.message)
    except (StorageError, OSError) as exc:
        log.warning("photo %s: no rendition made: %s", photo.id, exc)
        return False
    if in_atomic(session):
        session.flush()  # the caller's transaction records them
    else:
        session.commit()  # the files are in storage now: recorded at once, even by a page that stores nothing else
    return photo.thumb_key is not None
