"""Read a built PDF back the way a reader would: page text (pypdf), normalised for comparison, and embedded images."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def pages(pdf: bytes) -> list[str]:
    """The extracted text of every page."""
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


FOOTER = re.compile(r"^(.* · generated .*|Page \d+ of \d+)$", re.M)


def body(pdf: bytes) -> str:
    """The text of all pages joined, without the page footers (so text split over a page break reads on)."""
    return "\n".join(FOOTER.sub("", text) for text in pages(pdf))


def squash(text: str) -> str:
    """Text with compatibility forms folded (Arabic presentation forms -> letters) and all whitespace removed,
    so a phrase is found whatever line it was wrapped onto."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def contains(haystack: str, needle: str) -> bool:
    """Whether needle is printed in haystack, ignoring line wrapping (and word order for right-to-left words)."""
    flat = squash(haystack)
    return squash(needle) in flat


def images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image XObject drawn on any page."""
    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                sizes.append((int(obj["/Width"]), int(obj["/Height"])))
    return sizes


def image_streams(pdf: bytes) -> list[bytes]:
    """The data of every image XObject drawn on any page, with transport filters (ASCII85) undone, DCT kept."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append(obj.get_data())
    return found
