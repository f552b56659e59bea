"""Realistic demo visit documents: answers drawn from a branch's quality on the day, in the shopper's languages."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from server.demo.comments import FAILED_ITEM, STOOD_OUT
from server.demo.images import receipt_png, storefront_png
from shared.checklist import Checklist, Question
from shared.question_types import QuestionType

NA_RATE = {"phone_answered_four_rings": 0.55, "admitted_unsure": 0.45, "follow_up_on_time": 0.6}
"""How often shoppers could not apply a question (did not call, staff were never unsure, nothing promised)."""

DIFFICULTY = {
    "greeted_within_minute": 0.1,
    "asked_open_questions": 0.12,
    "offered_options": 0.08,
    "follow_up_on_time": 0.1,
    "acknowledged_while_busy": 0.05,
}
"""Items most branches find harder, so question-level pass rates differ."""

CRITICAL_FAILURE_RATE = {"open_at_posted_hours": 0.07, "price_matched": 0.09}
"""Chance of a critical failure at a branch of quality 0; scaled down as quality rises."""


def new_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID from the seeded generator, so demo ids repeat with the seed."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class PhotoFile:
    """A demo photo: its manifest entry plus the bytes to store."""

    entry: dict
    content: bytes


class VisitMaker:
    """Builds visit documents for one checklist version, drawing every choice from one seeded generator."""

    def __init__(self, rng: random.Random, checklist: Checklist, version_id: int):
        self.rng, self.checklist, self.version_id = rng, checklist, version_id
        self.receipts = [receipt_png(lines) for lines in (6, 8, 10)]
        self._fronts: dict[int, bytes] = {}

    def storefront(self, branch_index: int) -> bytes:
        """One storefront picture per branch, coloured by its place in the list."""
        if branch_index not in self._fronts:
            shade = (branch_index * 47) % 160
            self._fronts[branch_index] = storefront_png(
                (95 + shade, 70 + shade // 2, 60 + (shade * 3) % 90), (20 + shade // 4, 30, 40)
            )
        return self._fronts[branch_index]

    def quality(self, base: float, trend: float, month: int) -> float:
        """How well the branch did on the day: its level, its trend, and the day's luck."""
        return min(0.99, max(0.05, base + trend * month + self.rng.gauss(0, 0.09)))

    def visit_times(self, day: date) -> tuple[datetime, datetime]:
        """A start during opening hours and a finish 20 to 55 minutes later (UTC)."""
        start = datetime.combine(
            day, time(self.rng.randint(9, 16), self.rng.choice((0, 5, 10, 20, 30, 40, 45, 50))), tzinfo=UTC
        )
        return start, start + timedelta(minutes=self.rng.randint(20, 55))

    def _yes_no(self, question: Question, level: float, languages: tuple[str, ...]):
        rng = self.rng
        if question.critical:
            return "no" if rng.random() < CRITICAL_FAILURE_RATE.get(question.key, 0.05) * (1.1 - level) else "yes"
        return "yes" if rng.random() < level - DIFFICULTY.get(question.key, 0.0) + 0.12 else "no"

    def _scale(self, question: Question, level: float, languages: tuple[str, ...]):
        low, high = question.min, question.max
        assert low is not None and high is not None  # a valid scale question has both (template_rules)
        span = high - low
        return int(min(high, max(low, round(low + span * (level + self.rng.gauss(0, 0.15))))))

    def _number(self, question: Question, level: float, languages: tuple[str, ...]):
        rng = self.rng
        return rng.randint(0, 3) if rng.random() < level + 0.1 else rng.randint(4, 14)

    def _choice(self, question: Question, level: float, languages: tuple[str, ...]):
        options = question.options
        assert options  # a valid choice question has at least one (template_rules)
        pick = level + self.rng.gauss(0, 0.1)
        return options[0 if pick < 0.6 else 1 if pick < 0.86 else min(2, len(options) - 1)].value

    def _comment_text(self, question: Question, level: float, languages: tuple[str, ...]):
        mood = "good" if level > 0.78 else "mixed" if level > 0.5 else "bad"
        return self._text(mood, languages)

    def _no_answer(self, question: Question, level: float, languages: tuple[str, ...]):
        raise ValueError(f"no demo answer for {question.type} question {question.key}")

    def _text(self, mood: str, languages: tuple[str, ...]) -> str:
        language = self.rng.choice(languages)
        bank = STOOD_OUT[mood].get(language) or STOOD_OUT[mood]["en"]
        return self.rng.choice(bank)

    def answers(self, level: float, languages: tuple[str, ...]) -> tuple[list[dict], list[str]]:
        """Answer entries for a visit of this quality, and the keys of the photo questions to fill."""
        entries, photo_questions = [], []
        for question in self.checklist.questions():
            demo = DEMO_ANSWERS_BY_TYPE[question.type]
            if demo.answer is None:
                photo_questions.append(question.key)
                continue
            if demo.may_be_na and question.allow_na and self.rng.random() < NA_RATE.get(question.key, 0.2):
                entries.append({"question": question.key, "na": True})
                continue
            entry = {"question": question.key, "value": demo.answer(self, question, level, languages)}
            notes = FAILED_ITEM.get(question.key) if demo.takes_notes else None
            if entry["value"] == "no" and notes and self.rng.random() < 0.75:
                note = notes.get(self.rng.choice(languages), notes["en"])
                entry["comment"] = note if isinstance(note, str) else self.rng.choice(note)
            entries.append(entry)
        return entries, photo_questions

    def photos(self, keys: list[str], branch_index: int) -> list[PhotoFile]:
        """One real PNG per photo question: the storefront, or a receipt."""
        files = []
        for key in keys:
            content = self.storefront(branch_index) if "storefront" in key else self.rng.choice(self.receipts)
            entry = {
                "id": str(new_uuid(self.rng)),
                "question": key,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "content_type": "image/png",
            }
            files.append(PhotoFile(entry, content))
        return files

    def document(
        self,
        *,
        visit_id: uuid.UUID,
        assignment_id: uuid.UUID | None,
        branch_id: int,
        day: date,
        lat: float | None,
        lon: float | None,
        level: float,
        languages: tuple[str, ...],
        branch_index: int,
    ) -> tuple[dict, list[PhotoFile]]:
        """A complete visit document as the phone would push it, with its photo files."""
        started, finished = self.visit_times(day)
        answers, photo_keys = self.answers(level, languages)
        files = self.photos(photo_keys, branch_index)
        location = None
        if lat is not None and lon is not None and self.rng.random() > 0.05:  # now and then the phone had no fix
            location = {
                "lat": round(lat + self.rng.gauss(0, 0.0003), 6),
                "lon": round(lon + self.rng.gauss(0, 0.0003), 6),
                "accuracy_m": round(self.rng.uniform(4, 30), 1),
            }
        for n, file in enumerate(files, 1):  # taken while on site, where the visit was (no draw: same demo data)
            taken = started + (finished - started) * n / (len(files) + 1)
            file.entry["taken_at"] = taken.isoformat().replace("+00:00", "Z")
            file.entry["location"] = location
        document = {
            "format": 2,
            "id": str(visit_id),
            "template_version_id": self.version_id,
            "assignment_id": str(assignment_id) if assignment_id else None,
            "branch_id": branch_id,
            "started_at": started.isoformat().replace("+00:00", "Z"),
            "finished_at": finished.isoformat().replace("+00:00", "Z"),
            "location": location,
            "base_revision": None,
            "answers": answers,
            "photos": [f.entry for f in files],
        }
        return document, files


@dataclass(frozen=True)
class DemoAnswer:
    """How demo visits answer a question type: a value drawn for it (None: photos instead), N/A and notes or not."""

    answer: Callable[[VisitMaker, Question, float, tuple[str, ...]], Any] | None
    may_be_na: bool = True
    takes_notes: bool = True


DEMO_ANSWERS_BY_TYPE: dict[QuestionType, DemoAnswer] = {
    QuestionType.YES_NO: DemoAnswer(VisitMaker._yes_no),
    QuestionType.CHOICE: DemoAnswer(VisitMaker._choice),
    QuestionType.SCALE: DemoAnswer(VisitMaker._scale),
    QuestionType.NUMBER: DemoAnswer(VisitMaker._number),
    QuestionType.TEXT: DemoAnswer(VisitMaker._comment_text, may_be_na=False, takes_notes=False),
    QuestionType.PHOTO: DemoAnswer(None),
    QuestionType.DATE: DemoAnswer(VisitMaker._no_answer),
    QuestionType.TIME: DemoAnswer(VisitMaker._no_answer),
}
"""What the demo draws for each question type (the demo checklist has no date or time questions)."""
