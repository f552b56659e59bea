"""Every kind of job by name, and the periodic ones with how often they run (docs/architecture.md, Jobs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.services.errors import NotFound
from server.services.jobs.kinds import JobKind


def _kinds() -> dict[str, JobKind]:
    from server.services.jobs.maintenance import EXPIRE_JOBS, PHOTO_CLEANUP, REAP_JOBS
    from server.services.jobs.report_jobs import ALL_REGIONS_REPORT, REGION_REPORT
    from server.services.mail.delivery import SEND_MAIL
    from server.services.webhooks.deliver import WEBHOOK_DELIVERIES

    kinds: tuple[JobKind, ...] = (REGION_REPORT, ALL_REGIONS_REPORT, REAP_JOBS, EXPIRE_JOBS, PHOTO_CLEANUP)
    kinds += (WEBHOOK_DELIVERIES,)  # webhooks: fan-out, delivery, retries (services/webhooks/deliver.py)
    kinds += (SEND_MAIL,)  # the mail outbox (docs/email.md)
    return {kind.name: kind for kind in kinds}


def kind_named(name: str) -> JobKind:
    """The registered kind `name` (NotFound for a name no version of Fieldaudit knows)."""
    kind = _kinds().get(name)
    if kind is None:
        raise NotFound("kind", f"there is no kind of job called {name!r}")
    return kind


def periodic_kinds(settings: dict[str, Any]) -> list[tuple[JobKind, int]]:
    """(kind, seconds between runs) of the scheduled upkeep; the reaper looks twice per stale interval."""
    intervals: dict[str, Callable[[dict[str, Any]], int]] = {
        "reap_jobs": lambda s: max(5, min(60, s["JOB_STALE_SECONDS"] // 2)),
        "expire_jobs": lambda s: 3600,
        "photo_cleanup": lambda s: 3600,
        "webhook_deliveries": lambda s: max(1, s["WEBHOOK_POLL_SECONDS"]),
        "send_mail": lambda s: 60,  # retries that came due, and what the immediate submit missed
    }
    return [(kind_named(name), interval(settings)) for name, interval in intervals.items()]
