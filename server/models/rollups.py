"""Stored roll-ups: per region, day, checklist version and question, the points of the answers that count that day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model


class QuestionDay(Model):
    """Counted answers that could earn points (possible > 0) of one question, in one region on one UTC day.

    Maintained at commit for every region-day a change touches (services/scores/question_days.py), rebuilt
    whole by `fieldaudit scores rebuild`; never written by hand.
    """

    __tablename__ = "question_days"

    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered: Mapped[int]
    earned: Mapped[float]
    possible: Mapped[float]
