"""Small, hand-countable score data: visits stored directly with the scores a test names."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from server.models import Answer, Photo, Visit, VisitSectionScore, VisitStatus

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
"""The period most tests ask for; the previous period of equal length is 2026-01-29..2026-02-28."""


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An aware UTC time on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def query(period=MARCH, **extra) -> dict:
    """Query-string parameters for a period."""
    return {"from": period[0].isoformat(), "to": period[1].isoformat(), **extra}


class ScoreWorld:
    """One checklist (tests.factories.SMALL_CHECKLIST), one shopper, and visits added with known numbers."""

    def __init__(self, make, session):
        self.make, self.session = make, session
        self.template = make.template()
        self.version = self.template.versions[0]
        self.shopper = make.user("shopper", name="Sam Shopper")

    def visit(
        self,
        branch,
        score: float | None,
        when: datetime | date = date(2026, 3, 10),
        *,
        status: VisitStatus = VisitStatus.APPROVED,
        sections: dict | None = None,
        answers=(),
        version=None,
        photo_missing: bool = False,
        critical_failures: int = 0,
    ) -> Visit:
        """Store a visit with this score; sections {key: percent}, answers (key, section, earned, possible, failed)."""
        finished = when if isinstance(when, datetime) else at(when)
        visit = Visit(
            id=uuid.uuid4(),
            branch=branch,
            shopper=self.shopper,
            template_version=version or self.version,
            status=status,
            started_at=finished - timedelta(minutes=30),
            finished_at=finished,
            score_percent=score,
            earned=score or 0,
            possible=0 if score is None else 100,
            critical_failures=critical_failures,
        )
        for position, (key, percent) in enumerate((sections or {}).items()):
            visit.section_scores.append(
                VisitSectionScore(
                    section_key=key,
                    position=position,
                    title=key.title(),
                    earned=percent or 0,
                    possible=0 if percent is None else 100,
                    percent=percent,
                )
            )
        for position, (key, section, earned, possible, failed) in enumerate(answers):
            visit.answers.append(
                Answer(
                    question_key=key,
                    section_key=section,
                    position=position,
                    value=None,
                    na=possible is None,
                    comment=f"comment on {key}" if failed else "",
                    earned=earned,
                    possible=possible,
                    critical_failure=failed,
                )
            )
        if photo_missing:
            visit.photos.append(
                Photo(id=uuid.uuid4(), question_key="greeted", sha256="ab" * 32, size=10, content_type="image/png")
            )
        self.session.add(visit)
        self.session.commit()
        return visit

    def visits(self, branch, scores, when: date = date(2026, 3, 10), **kwargs) -> list[Visit]:
        """One visit per score, a day apart from `when`."""
        return [self.visit(branch, score, when + timedelta(days=i), **kwargs) for i, score in enumerate(scores)]
