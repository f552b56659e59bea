"""Factories of test data for photo uploads: a checklist with photo questions, tiny real images, a visit awaiting them."""

from __future__ import annotations

import hashlib
import io
import struct
import uuid
import zlib
from dataclasses import dataclass, field

from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import bearer
from tests.server.sync.helpers import record_and_commit

PHOTO_CHECKLIST = {
    "format": 1,
    "title": "Checklist with photos",
    "sections": [
        {
            "key": "front",
            "title": "Front of house",
            "questions": [
                {"key": "greeted", "text": "Greeted on arrival?", "type": "yes_no", "required": True},
                {"key": "storefront", "text": "Photo of the storefront", "type": "photo", "required": True},
                {"key": "receipt", "text": "Photo of the receipt", "type": "photo"},
            ],
        }
    ],
}


def png_bytes(width: int = 3, height: int = 2, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG of one colour, built with zlib and struct."""
    raw = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def jpeg_bytes(size: tuple[int, int] = (4, 4), colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A real JPEG (drawn with Pillow, which reportlab brings along)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def image_bytes(
    pillow_format: str, size: tuple[int, int], colour: tuple[int, int, int] = (90, 160, 60), **save: object
) -> bytes:
    """A real image of one colour in any format Pillow writes (JPEG, PNG, WEBP...)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, pillow_format, **save)
    return out.getvalue()


def big_png(size: int) -> bytes:
    """`size` bytes: a real 3x2 PNG followed by filler (decoders stop at IEND), for upload tests of any size."""
    head = png_bytes()
    filler = hashlib.sha256(b"seed").digest() * (size // 32 + 1)
    return (head + filler)[:size]


@dataclass
class PhotoFile:
    """One manifest entry and its bytes."""

    id: str
    question: str
    content: bytes
    content_type: str

    @property
    def entry(self) -> dict:
        return {
            "id": self.id,
            "question": self.question,
            "sha256": hashlib.sha256(self.content).hexdigest(),
            "size": len(self.content),
            "content_type": self.content_type,
        }


@dataclass
class PhotoVisit:
    """A recorded visit awaiting its photos, its shopper and a bearer token for them."""

    id: str
    shopper: object
    token: str
    photos: list[PhotoFile] = field(default_factory=list)

    @property
    def headers(self) -> dict:
        return bearer(self.token)

    def url(self, photo: PhotoFile | str, suffix: str = "") -> str:
        photo_id = photo.id if isinstance(photo, PhotoFile) else photo
        return f"/api/v1/visits/{self.id}/photos/{photo_id}{suffix}"


def make_photo_visit(
    make, session, files: list[tuple[str, bytes, str]] | None = None, *, shopper=None, branch=None
) -> PhotoVisit:
    """Record (through record_visit, committed) a visit whose manifest names `files`: (question, bytes, content type)."""
    files = (
        files
        if files is not None
        else [("storefront", png_bytes(), "image/png"), ("receipt", jpeg_bytes(), "image/jpeg")]
    )
    shopper = shopper or make.user("shopper")
    template = make.template(PHOTO_CHECKLIST)
    assignment = make.assignment(shopper=shopper, template=template, branch=branch)
    photos = [PhotoFile(str(uuid.uuid4()), question, content, kind) for question, content, kind in files]
    document = {
        "id": str(uuid.uuid4()),
        "template_version_id": template.versions[0].id,
        "assignment_id": str(assignment.id),
        "branch_id": assignment.branch_id,
        "started_at": "2026-11-20T09:14:03Z",
        "finished_at": "2026-11-20T09:52:40Z",
        "answers": [{"question": "greeted", "value": "yes"}],
        "photos": [p.entry for p in photos],
    }
    visit = record_and_commit(session, shopper, document)
    _, token = issue_token(session, shopper, "Phone")
    session.commit()
    return PhotoVisit(str(visit.id), shopper, token, photos)


def put(
    client,
    visit: PhotoVisit,
    photo: PhotoFile,
    body: bytes | None = None,
    *,
    start: int | None = None,
    content_type: str | None = None,
    headers: dict | None = None,
):
    """PUT the photo (or `body`), whole or as a chunk starting at `start` (Content-Range)."""
    body = photo.content if body is None else body
    sent = {**visit.headers, "Content-Type": content_type or photo.content_type, **(headers or {})}
    if start is not None:
        sent["Content-Range"] = f"bytes {start}-{start + len(body) - 1}/{len(photo.content)}"
    return client.put(visit.url(photo), data=body, headers=sent)
