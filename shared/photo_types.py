"""Photo types a visit may carry, told apart by their first bytes: the phone labels them, the server checks them."""

from __future__ import annotations

PHOTO_TYPES: dict[str, tuple[str, str]] = {
    "image/jpeg": ("JPEG", ".jpg"),
    "image/png": ("PNG", ".png"),
    "image/webp": ("WebP", ".webp"),
    "image/heic": ("HEIC", ".heic"),
    "image/heif": ("HEIF", ".heif"),
}
"""Media type -> (name people know it by, file extension)."""

HEIF_BRANDS: dict[bytes, str] = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
}
SNIFF_BYTES = 12
"""How many leading bytes sniff_photo_type needs."""


def sniff_photo_type(head: bytes) -> str | None:
    """The photo type the first bytes announce (JPEG, PNG, WebP, HEIC/HEIF), or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return HEIF_BRANDS.get(head[8:12])
    return None


def same_photo_type(found: str | None, declared: str) -> bool:
    """Whether sniffed bytes fit a declared type; HEIC and HEIF are one family (phones label them loosely)."""
    heif_family = {"image/heic", "image/heif"}
    return found == declared or (found in heif_family and declared in heif_family)
