"""The visit's optional `outcome`: a visit that could not be completed, its reasons and limits, and unchanged
fingerprints for every visit without one."""

from __future__ import annotations

import pytest

from shared.answers import validate_visit
from shared.schemas import dump_visit, load_visit, visit_fingerprint, visit_issues
from shared.validation import load_checklist
from shared.visit import NOT_COMPLETED_REASONS, OUTCOME_COMMENT_LIMIT, Outcome

from .factories import FULL_DOC
from .test_schemas import VISIT, visit_with

FINGERPRINT_WITHOUT_PHOTOS = "f0e7aa5814bd5df2253128384a4b4622250a0aa62e10822445f7f0aa05815395"
FINGERPRINT_WITH_PHOTO = "60b3a00e5ae7a03adbae451f49ae6c566f6f642f30349b4f3ca0fa9d11dd18e6"
"""visit_fingerprint of the example visit (without and with its photo) computed before `outcome` existed."""


def not_completed(reason: str = "shop_closed", comment: str = "Shutters down at 10:00", **changes) -> dict:
    """The example visit as one the shopper could not complete: no answers, no photos."""
    outcome = {"status": "not_completed", "reason": reason, "comment": comment}
    return visit_with(answers=[], photos=[], outcome=outcome, **changes)


def test_the_fingerprint_of_a_visit_without_outcome_is_what_it_was_before_outcome_existed():
    assert visit_fingerprint(load_visit(visit_with(photos=[]))) == FINGERPRINT_WITHOUT_PHOTOS
    assert "outcome" not in dump_visit(load_visit(VISIT))


def test_the_example_visit_with_its_photo_keeps_its_fingerprint_unless_the_manifest_format_grew():
    dumped_photo = dump_visit(load_visit(VISIT))["photos"][0]
    if set(dumped_photo) != {"id", "question", "sha256", "size", "content_type"}:
        pytest.skip("the photo manifest has more fields now; the visit without photos pins the fingerprint")
    assert visit_fingerprint(load_visit(VISIT)) == FINGERPRINT_WITH_PHOTO


def test_an_explicit_completed_outcome_is_the_same_content_as_none():
    explicit = load_visit(visit_with(photos=[], outcome={"status": "completed"}))
    assert explicit.outcome.completed and visit_fingerprint(explicit) == FINGERPRINT_WITHOUT_PHOTOS


@pytest.mark.parametrize("reason", NOT_COMPLETED_REASONS)
def test_a_not_completed_visit_without_answers_loads_with_each_reason(reason):
    visit = load_visit(not_completed(reason, "A comment"))
    assert visit.outcome == Outcome("not_completed", reason, "A comment")
    assert visit.answers == () and load_visit(dump_visit(visit)) == visit


def test_a_not_completed_visit_dumps_its_outcome_and_fingerprints_differently():
    dumped = dump_visit(load_visit(not_completed()))
    assert dumped["outcome"] == {
        "status": "not_completed",
        "reason": "shop_closed",
        "comment": "Shutters down at 10:00",
    }
    assert visit_fingerprint(load_visit(not_completed())) != FINGERPRINT_WITHOUT_PHOTOS


def test_an_unknown_reason_is_rejected_naming_outcome_reason():
    issues = visit_issues(not_completed("on_holiday"))
    assert [i.path for i in issues] == ["outcome.reason"]
    assert "shop_closed" in issues[0].message


def test_a_not_completed_visit_needs_a_reason():
    assert [i.path for i in visit_issues(visit_with(answers=[], photos=[], outcome={"status": "not_completed"}))] == [
        "outcome.reason"
    ]


def test_other_needs_a_comment():
    assert [i.path for i in visit_issues(not_completed("other", "  "))] == ["outcome.comment"]
    assert visit_issues(not_completed("other", "The mall was evacuated")) == []


def test_a_comment_too_long_is_rejected():
    assert visit_issues(not_completed(comment="x" * OUTCOME_COMMENT_LIMIT)) == []
    issues = visit_issues(not_completed(comment="x" * (OUTCOME_COMMENT_LIMIT + 1)))
    assert [i.path for i in issues] == ["outcome.comment"] and "1,000" in issues[0].message


@pytest.mark.parametrize(
    "outcome, path",
    [
        ({"status": "finished"}, "outcome.status"),
        ({"reason": "shop_closed"}, "outcome.status"),
        ({"status": "completed", "reason": "shop_closed"}, "outcome.reason"),
        ({"status": "not_completed", "reason": "unsafe", "why": "x"}, "outcome.why"),
        ("not_completed", "outcome"),
    ],
)
def test_malformed_outcomes_are_rejected_at_their_path(outcome, path):
    assert path in [i.path for i in visit_issues(visit_with(answers=[], photos=[], outcome=outcome))]


def test_a_not_completed_visit_carrying_answers_or_photos_is_rejected():
    outcome = {"status": "not_completed", "reason": "refused_entry", "comment": ""}
    assert [i.path for i in visit_issues(visit_with(photos=[], outcome=outcome))] == ["answers"]
    assert [i.path for i in visit_issues(visit_with(answers=[], outcome=outcome))] == ["photos"]


def test_a_not_completed_visit_skips_the_required_answers_check():
    checklist = load_checklist(FULL_DOC)
    normal = load_visit(visit_with(answers=[], photos=[]))
    assert any("required" in issue.message for issue in validate_visit(checklist, normal))
    assert validate_visit(checklist, load_visit(not_completed())) == []
