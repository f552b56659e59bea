"""The stored form of a scored visit document: answer, section-score and photo rows, and the visit's score columns."""

from __future__ import annotations

from server.models import Answer, Photo, Visit, VisitSectionScore
from shared.checklist import Checklist
from shared.scoring import VisitScore
from shared.visit import Visit as VisitDoc


def rows(doc: VisitDoc, checklist: Checklist, score: VisitScore) -> tuple[list, list, list]:
    """Answer, section-score and photo rows for the visit, with each question's scored points."""
    answers, sections, photos = row_values(doc, checklist, score)
    return [Answer(**a) for a in answers], [VisitSectionScore(**s) for s in sections], [Photo(**p) for p in photos]


def row_values(doc: VisitDoc, checklist: Checklist, score: VisitScore) -> tuple[list[dict], list[dict], list[dict]]:
    """The column values of rows(): answers, section scores and photos, without visit_id (for Core inserts)."""
    position = {q.key: i for i, q in enumerate(checklist.questions())}
    by_key = {q.key: q for q in score.questions}
    photo_keys = {p.question for p in doc.photos}
    answered = {a.question: a for a in doc.answers}
    answers = []
    for key in sorted(answered.keys() | photo_keys, key=position.__getitem__):
        entry, scored = answered.get(key), by_key[key]
        counts = scored.status == "scored"
        answers.append(
            {
                "question_key": key,
                "section_key": scored.section_key,
                "position": position[key],
                "value": entry.value if entry else None,
                "na": bool(entry and entry.na),
                "comment": entry.comment if entry else "",
                "earned": scored.earned if counts else None,
                "possible": scored.possible if counts else None,
                "critical_failure": scored.critical_failure,
            }
        )
    sections = [
        {
            "section_key": s.key,
            "position": i,
            "title": s.title,
            "earned": s.earned,
            "possible": s.possible,
            "percent": s.percent,
        }
        for i, s in enumerate(score.sections)
    ]
    photos = [
        {
            "id": p.id,
            "question_key": p.question,
            "sha256": p.sha256,
            "size": p.size,
            "content_type": p.content_type,
            "taken_at": p.taken_at,
            "latitude": p.location.lat if p.location else None,
            "longitude": p.location.lon if p.location else None,
            "accuracy_m": p.location.accuracy_m if p.location else None,
        }
        for p in doc.photos
    ]
    return answers, sections, photos


def score_columns(score: VisitScore) -> dict:
    """The visit's own score columns, as keyword arguments for Visit or for setattr."""
    return {
        "score_percent": score.percent,
        "earned": score.earned,
        "possible": score.possible,
        "critical_failures": len(score.critical_failures),
        "flagged": score.flagged,
        "zeroed": score.zeroed,
    }


def outcome_columns(doc: VisitDoc) -> dict:
    """How the visit ended: outcome_reason null for a completed visit, else the shopper's reason and comment."""
    outcome = doc.outcome
    return {
        "outcome_reason": None if outcome.completed else outcome.reason,
        "outcome_comment": "" if outcome.completed else outcome.comment,
    }


def location_columns(doc: VisitDoc) -> dict:
    """Where the device was, as the visit's latitude/longitude/accuracy columns."""
    location = doc.location
    return {
        "latitude": location.lat if location else None,
        "longitude": location.lon if location else None,
        "accuracy_m": location.accuracy_m if location else None,
    }


def apply_scored(visit: Visit, doc: VisitDoc, score: VisitScore, answers: list, sections: list) -> None:
    """Replace a stored visit's times, location, outcome, scores, answers and section scores with a new revision's."""
    visit.started_at, visit.finished_at = doc.started_at, doc.finished_at
    for name, value in {**score_columns(score), **location_columns(doc), **outcome_columns(doc)}.items():
        setattr(visit, name, value)
    visit.answers = answers
    visit.section_scores = sections
