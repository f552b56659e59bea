"""Factories of test data for the phone: a checklist with every scored type and a photo question, pulled pages, tiny images."""

from __future__ import annotations

import copy
import io
import math
import os
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

from mobile.store import AccountStore, LocalStore

CHECKLIST: dict[str, Any] = {
    "format": 1,
    "title": "Store audit",
    "critical_policy": "flag",
    "allow_adhoc": True,
    "sections": [
        {
            "key": "front",
            "title": "Front of house",
            "questions": [
                {"key": "greeted", "text": "Greeted on arrival?", "type": "yes_no", "required": True},
                {"key": "clean", "text": "How clean?", "type": "scale", "min": 1, "max": 5, "weight": 2},
                {
                    "key": "why_dirty",
                    "text": "What was dirty?",
                    "type": "text",
                    "visible_if": {"question": "clean", "in": [1, 2]},
                },
                {"key": "storefront", "text": "Photo of the front", "type": "photo", "required": True},
            ],
        },
        {
            "key": "till",
            "title": "At the till",
            "questions": [
                {
                    "key": "price_ok",
                    "text": "Price matched?",
                    "type": "yes_no",
                    "critical": True,
                    "critical_policy": "zero",
                },
                {
                    "key": "wait",
                    "text": "Minutes waited",
                    "type": "number",
                    "min": 0,
                    "max": 120,
                    "pass_rule": {"op": "<=", "value": 2.5},
                    "weight": 1.5,
                },
                {
                    "key": "mood",
                    "text": "Staff mood",
                    "type": "choice",
                    "allow_na": True,
                    "options": [
                        {"value": "warm", "label": "Warm", "score": 1},
                        {"value": "flat", "label": "Flat", "score": 0.3},
                        {"value": "rude", "label": "Rude", "score": 0},
                    ],
                },
                {"key": "notes", "text": "Anything else?", "type": "text"},
            ],
        },
    ],
}

NO_PHOTO_CHECKLIST: dict[str, Any] = copy.deepcopy(CHECKLIST)
NO_PHOTO_CHECKLIST["sections"][0]["questions"].pop(3)
NO_PHOTO_CHECKLIST["title"] = "Store audit without photos"

ANSWERS: dict[str, dict[str, Any]] = {
    "greeted": {"value": "yes", "comment": "Accueil très chaleureux"},
    "clean": {"value": 4},
    "price_ok": {"value": "yes"},
    "wait": {"value": 1.5},
    "mood": {"value": "flat"},
    "notes": {"value": "All fine & <b>tidy</b>."},
}


def png_bytes(width: int = 4, height: int = 3, *, noise: int = 0, seed: int = 1) -> bytes:
    """A valid PNG (RGB, 8 bit, no metadata); ``noise`` > 0 gives a square of at least that many incompressible
    bytes for big files (a few hundred pixels a side: within the phone's size limit, so stored byte for byte)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    if noise:
        side = math.isqrt(noise // 3) + 1
        width, height = max(width, side), max(height, side)
    rng = __import__("random").Random(seed)
    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def jpeg_bytes(width: int = 4, height: int = 3, *, exif: Image.Exif | None = None, quality: int = 90) -> bytes:
    """A real JPEG (a colour gradient, so orientation shows), optionally with EXIF as a camera writes it."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def write_png(folder: Path, name: str = "shot.png", **options: Any) -> Path:
    """A PNG file on disk, as a camera screen would leave it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(png_bytes(**options))
    return path


def change(entity: str, key: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """One entry of a changes page (upsert with data, tombstone without)."""
    if data is None:
        return {"entity": entity, "id": str(key), "op": "delete"}
    return {"entity": entity, "id": str(key), "op": "upsert", "data": data}


def version_change(version_id: int = 7, definition: dict[str, Any] | None = None, template_id: int = 3) -> dict:
    return change(
        "template_version",
        version_id,
        {
            "id": version_id,
            "template_id": template_id,
            "number": 1,
            "definition": copy.deepcopy(definition or CHECKLIST),
        },
    )


def branch_change(branch_id: int = 12, code: str = "B012") -> dict:
    return change(
        "branch",
        branch_id,
        {
            "id": branch_id,
            "code": code,
            "name": f"Branch {code}",
            "address": "1 High Street",
            "latitude": 51.5,
            "longitude": -0.12,
            "region": {"id": 1, "code": "R1", "name": "North"},
        },
    )


def assignment_change(
    assignment_id: str | None = None, branch_id: int = 12, version_id: int = 7, status: str = "open"
) -> dict:
    assignment_id = assignment_id or str(uuid.uuid4())
    return change(
        "assignment",
        assignment_id,
        {
            "id": assignment_id,
            "branch_id": branch_id,
            "template_id": 3,
            "template_version_id": version_id,
            "due_from": "2026-03-01",
            "due_to": "2026-03-08",
            "status": status,
            "notes": "Go before noon",
        },
    )


def base_page(assignment_id: str) -> list[dict]:
    """What a first pull brings: a checklist version, a branch and an assignment."""
    return [version_change(), branch_change(), assignment_change(assignment_id)]


def fill(store: Any, visit_id: str, answers: dict[str, dict[str, Any]] | None = None) -> None:
    """Save every answer of ANSWERS (or the given ones) as a shopper would, one at a time."""
    for key, parts in (answers or ANSWERS).items():
        store.drafts.save_answer(visit_id, key, **parts)


def child_env() -> dict[str, str]:
    """Environment for a subprocess that imports the project."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def add_account(
    store: LocalStore, user_id: int = 41, email: str = "sam@example.test", server: str = "https://audit.example.test"
) -> AccountStore:
    """Sam Shopper signed in to `server` on this phone (a token stored as sign-in leaves it): their store."""
    account = store.save_account(
        server_url=server,
        user_id=user_id,
        email=email,
        name="Sam Shopper",
        role="shopper",
        token=f"fa_secret_{user_id}",
    )
    return store.for_account(account.id)
