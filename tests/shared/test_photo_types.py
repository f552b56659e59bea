"""Photos are recognised by their first bytes, the same way on the phone and on the server."""

from __future__ import annotations

import pytest

from shared.photo_types import PHOTO_TYPES, same_photo_type, sniff_photo_type


@pytest.mark.parametrize(
    "head,expected",
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
        (b"\x00\x00\x00\x18ftypheix", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1", "image/heif"),
        (b"\x00\x00\x00\x18ftypmsf1", "image/heif"),
        (b"GIF89a\x00\x00\x00\x00\x00\x00", None),
        (b"\x00\x00\x00\x18ftypmp42", None),
        (b"<html><body>", None),
        (b"", None),
    ],
    ids=["jpeg", "png", "webp", "heic", "heix", "mif1", "msf1", "gif", "mp4", "html", "empty"],
)
def test_the_first_bytes_name_the_photo_type(head, expected):
    assert sniff_photo_type(head) == expected
    assert expected is None or expected in PHOTO_TYPES


def test_heic_and_heif_count_as_one_family_and_nothing_else_does():
    assert same_photo_type("image/heif", "image/heic") and same_photo_type("image/heic", "image/heif")
    assert not same_photo_type("image/png", "image/jpeg")
    assert not same_photo_type(None, "image/png")
