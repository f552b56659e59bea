"""Visit documents of the demo checklist (server/demo/customer_service_checklist.json) with valid random answers,
as a phone would push them; shared by the ingest benchmarks and benchmarks/load.py."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import secrets
import uuid
from datetime import UTC
from pathlib import Path
from typing import Any

CHECKLIST = Path(__file__).resolve().parents[1] / "server" / "demo" / "customer_service_checklist.json"


def definition() -> dict[str, Any]:
    data = json.loads(CHECKLIST.read_text())
    data = copy.deepcopy(data)
    data["allow_adhoc"] = True
    return data


def answer(question: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    kind = question["type"]
    if kind == "yes_no":
        return {"question": question["key"], "value": rng.choice(["yes", "yes", "no"])}
    if kind == "scale":
        return {"question": question["key"], "value": rng.randint(question.get("min", 1), question.get("max", 5))}
    if kind == "number":
        return {"question": question["key"], "value": rng.randint(question.get("min", 0), question.get("max", 100))}
    if kind == "choice":
        return {"question": question["key"], "value": rng.choice(question["options"])["value"]}
    if kind == "text":
        return {"question": question["key"], "value": "Friendly, quick and clear.", "comment": "ok"}
    return None


def visit_document(checklist: dict[str, Any], version_id: int, branch_id: int, rng: random.Random) -> dict:
    answers, photos = [], []
    for section in checklist["sections"]:
        for question in section["questions"]:
            if question["type"] == "photo":
                photos.append(
                    {
                        "id": str(uuid.uuid4()),
                        "question": question["key"],
                        "sha256": secrets.token_hex(32),
                        "size": rng.randint(50_000, 900_000),
                        "content_type": "image/jpeg",
                    }
                )
            elif (entry := answer(question, rng)) is not None:
                answers.append(entry)
    return {
        "id": str(uuid.uuid4()),
        "template_version_id": version_id,
        "branch_id": branch_id,
        "started_at": "2026-03-02T09:14:03Z",
        "finished_at": "2026-03-02T09:52:40Z",
        "location": {"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12.0},
        "answers": answers,
        "photos": photos,
    }


def png_bytes(size: int, rng: random.Random) -> bytes:
    """A valid PNG (RGB, 8 bit, stored uncompressed) of about `size` bytes of noise: a phone photo's stand-in."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    height = 16
    width = max(4, size // (3 * height))
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def assigned_visit(
    checklist: dict[str, Any], version_id: int, assignment: tuple[str, int], rng: random.Random, photo_bytes: int
) -> tuple[dict, dict[str, bytes]]:
    """A finished visit of an assignment (id, branch id) with a real PNG per photo question: (document, photo bytes
    by photo id), as the phone pushes the document and then uploads each photo."""
    from datetime import datetime, timedelta

    assignment_id, branch_id = assignment
    document = visit_document(checklist, version_id, branch_id, rng)
    finished = datetime.now(UTC).replace(microsecond=0)
    photos = {}
    for photo in document["photos"]:
        content = png_bytes(photo_bytes, rng)
        photo.update({"sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "content_type": "image/png"})
        photos[photo["id"]] = content
    document.update(
        {
            "assignment_id": assignment_id,
            "started_at": (finished - timedelta(minutes=35)).isoformat().replace("+00:00", "Z"),
            "finished_at": finished.isoformat().replace("+00:00", "Z"),
        }
    )
    return document, photos
