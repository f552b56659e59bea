"""When and where a photo was taken, as one line for the visit page and the visit PDF."""

from __future__ import annotations

from server.models import Branch, Photo
from server.services.geo import haversine_m


def capture_text(photo: Photo, branch: Branch) -> str:
    """ "Taken 14:32 UTC, 12 m from the branch (±8 m)"; empty when the phone sent neither time nor position."""
    parts = []
    if photo.taken_at is not None:
        parts.append(f"Taken {photo.taken_at:%H:%M} UTC")
    if photo.latitude is not None and photo.longitude is not None:
        if branch.latitude is not None and branch.longitude is not None:
            metres = haversine_m(photo.latitude, photo.longitude, branch.latitude, branch.longitude)
            where = f"{metres:,.0f} m from the branch"
        else:
            where = f"at {photo.latitude:.5f}, {photo.longitude:.5f}"
        if photo.accuracy_m is not None:
            where += f" (±{photo.accuracy_m:,.0f} m)"
        parts.append(where)
    elif photo.taken_at is not None:
        parts.append("no position")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]
