"""Small real PNG images for demo photos (a storefront and a receipt), drawn in pure Python."""

from __future__ import annotations

import struct
import zlib

Colour = tuple[int, int, int]


def png_bytes(width: int, height: int, pixel) -> bytes:
    """Encode an RGB image given `pixel(x, y) -> (r, g, b)` as a PNG file."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            rows.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def storefront_png(facade: Colour, sign: Colour, width: int = 96, height: int = 64) -> bytes:
    """A shop front: sky, a coloured facade with a sign band, two windows and a door, pavement."""
    sky, glass, pavement, door = (170, 205, 235), (60, 90, 120), (150, 150, 145), (70, 45, 30)

    def pixel(x: int, y: int) -> Colour:
        if y < 10:
            return sky
        if y >= height - 6:
            return pavement
        if 14 <= y < 22 and 8 <= x < width - 8:
            return sign
        if 28 <= y < height - 12 and (10 <= x < 34 or 62 <= x < 86):
            return glass
        if 28 <= y < height - 6 and 42 <= x < 54:
            return door
        return facade

    return png_bytes(width, height, pixel)


def receipt_png(lines: int, width: int = 48, height: int = 80) -> bytes:
    """A till receipt: white paper on a dark table, with grey printed lines."""
    table, paper, ink = (45, 40, 38), (250, 250, 245), (120, 120, 120)

    def pixel(x: int, y: int) -> Colour:
        if not (6 <= x < width - 6 and 4 <= y < height - 4):
            return table
        row = (y - 8) // 5
        if (y - 8) % 5 == 0 and 0 <= row < lines and 10 <= x < width - 10 - (row * 7) % 12:
            return ink
        return paper

    return png_bytes(width, height, pixel)
