"""Wire schemas under hostile input: every error keyed by its field path, nothing huge stored or echoed."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import pytest

from shared.errors import VisitInvalid
from shared.schemas import ChecklistSchema, VisitSchema, dump_visit, load_visit, visit_fingerprint, visit_issues
from shared.validation import validate_checklist

from .factories import FULL_DOC, doc, q, sec

HUGE = "x" * 1_000_000

VISIT = {
    "id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "template_version_id": 7,
    "assignment_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "branch_id": 12,
    "started_at": "2026-11-20T09:14:03Z",
    "finished_at": "2026-11-20T09:52:40Z",
    "location": {"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12.0},
    "base_revision": None,
    "answers": [
        {"question": "open_on_time", "value": "yes", "comment": "Opened 9:00 sharp."},
        {"question": "phone_answered", "na": True},
        {"question": "wait_minutes", "value": 2},
    ],
    "photos": [
        {
            "id": "9b2c0a4e-6f1d-4c1e-9d7a-3b2f1e0c5d6a",
            "question": "storefront",
            "sha256": "ab" * 32,
            "size": 183742,
            "content_type": "image/jpeg",
        }
    ],
}


def visit_with(**changes) -> dict:
    """The example visit with some top-level fields replaced (value ... deletes the field)."""
    data = copy.deepcopy(VISIT)
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def issue_paths(data) -> list[str]:
    """Paths of the shape problems of a visit document."""
    return [issue.path for issue in visit_issues(data)]


# -- visits ----------------------------------------------------------------------------------------------------


def test_the_documented_example_visit_loads():
    visit = load_visit(VISIT)
    assert visit.id == uuid.UUID(VISIT["id"]) and visit.branch_id == 12
    assert visit.started_at == datetime(2026, 11, 20, 9, 14, 3, tzinfo=UTC)
    assert visit.answers[1].na is True and visit.answers[1].value is None and visit.answers[0].comment
    assert visit.photos[0].size == 183742 and visit.location.accuracy_m == 12.0


def test_a_visit_round_trips_through_dump_and_load():
    visit = load_visit(VISIT)
    dumped = dump_visit(visit)
    assert load_visit(dumped) == visit
    assert dump_visit(load_visit(dumped)) == dumped
    assert dumped["answers"][1] == {"question": "phone_answered", "value": None, "na": True, "comment": ""}


def test_optional_visit_fields_default_to_null_or_empty():
    visit = load_visit(visit_with(assignment_id=..., location=..., base_revision=..., answers=..., photos=...))
    assert (visit.assignment_id, visit.location, visit.base_revision, visit.answers, visit.photos) == (
        None,
        None,
        None,
        (),
        (),
    )


def test_fingerprint_is_stable_for_the_same_content_and_differs_for_other_content():
    same = visit_fingerprint(load_visit(VISIT)) == visit_fingerprint(load_visit(copy.deepcopy(VISIT)))
    changed = visit_with(answers=[{"question": "open_on_time", "value": "no"}])
    assert same and visit_fingerprint(load_visit(changed)) != visit_fingerprint(load_visit(VISIT))


FORMAT_1_FINGERPRINT = "60b3a00e5ae7a03adbae451f49ae6c566f6f642f30349b4f3ca0fa9d11dd18e6"
"""visit_fingerprint of VISIT computed before format 2 (photo capture fields) existed."""


def with_capture(**capture) -> dict:
    """The example visit whose photo carries format 2 capture fields."""
    data = copy.deepcopy(VISIT)
    data["photos"][0].update(capture)
    return data


def test_a_format_1_visit_keeps_the_fingerprint_it_had_before_format_2():
    visit = load_visit(VISIT)
    assert visit_fingerprint(visit) == FORMAT_1_FINGERPRINT
    assert "format" not in dump_visit(visit) and set(dump_visit(visit)["photos"][0]) == {
        "id",
        "question",
        "sha256",
        "size",
        "content_type",
    }
    assert visit_fingerprint(load_visit({**VISIT, "format": 1})) == FORMAT_1_FINGERPRINT


def test_a_photo_with_capture_time_and_position_loads_dumps_as_format_2_and_round_trips():
    data = with_capture(taken_at="2026-11-20T10:32:00+01:00", location={"lat": 51.5, "lon": -0.12, "accuracy_m": 8})
    visit = load_visit(data)
    photo = visit.photos[0]
    assert photo.taken_at == datetime(2026, 11, 20, 9, 32, tzinfo=UTC) and photo.location.accuracy_m == 8
    dumped = dump_visit(visit)
    assert dumped["format"] == 2 and dumped["photos"][0]["taken_at"] == "2026-11-20T09:32:00Z"
    assert load_visit(dumped) == visit and dump_visit(load_visit(dumped)) == dumped
    assert visit_fingerprint(visit) != FORMAT_1_FINGERPRINT


def test_a_photo_with_only_a_capture_time_leaves_out_the_position():
    dumped = dump_visit(load_visit(with_capture(taken_at="2026-11-20T09:32:00Z", location=None)))
    assert dumped["format"] == 2 and "location" not in dumped["photos"][0]


def test_bad_capture_fields_and_unknown_formats_are_named_by_path():
    bad = with_capture(taken_at="2026-11-20T09:32:00", location={"lat": 91, "lon": 0})
    assert sorted(issue_paths(bad)) == ["photos[0].location.lat", "photos[0].taken_at"]
    assert issue_paths(visit_with(format=3)) == ["format"]
    assert "1 or 2" in visit_issues(visit_with(format=3))[0].message


def test_times_with_an_offset_are_stored_in_utc_and_dumped_with_z():
    visit = load_visit(visit_with(started_at="2026-11-20T10:14:03+01:00"))
    assert visit.started_at == datetime(2026, 11, 20, 9, 14, 3, tzinfo=UTC)
    assert visit.started_at.tzinfo is UTC
    assert dump_visit(visit)["started_at"] == "2026-11-20T09:14:03Z"


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20T09:14:03",
        "2026-11-20 09:14:03Z",
        "2026-11-20",
        "20261120T091403Z",
        "2026-02-30T09:00:00Z",
        "2026-11-20T09:14:03+25:00",
        HUGE,
        1763630043,
        None,
    ],
)
def test_naive_or_malformed_times_are_rejected(value):
    assert issue_paths(visit_with(started_at=value)) == ["started_at"]


def test_a_naive_time_is_rejected_with_a_clear_message():
    (issue,) = visit_issues(visit_with(started_at="2026-11-20T09:14:03"))
    assert issue.message == "started_at must include a time zone (Z or an offset like +01:00)"


def test_finishing_before_starting_is_rejected():
    assert issue_paths(visit_with(finished_at="2026-11-20T09:00:00Z")) == ["finished_at"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "not-a-uuid"),
        ("id", ""),
        ("id", HUGE),
        ("id", 42),
        ("id", None),
        ("id", ...),
        ("assignment_id", "1234"),
        ("template_version_id", "7"),
        ("template_version_id", 7.0),
        ("template_version_id", True),
        ("template_version_id", 0),
        ("branch_id", -1),
        ("branch_id", ...),
        ("base_revision", 0),
        ("base_revision", "1"),
        ("location", "here"),
        ("location", []),
        ("answers", "yes"),
        ("answers", {"question": "a"}),
        ("photos", None),
    ],
)
def test_wrong_visit_field_values_are_rejected_at_their_path(field, value):
    assert issue_paths(visit_with(**{field: value})) == [field]


def test_an_unknown_visit_field_is_rejected():
    (issue,) = visit_issues(visit_with(score=100))
    assert (issue.path, issue.message) == ("score", "score is not a known field")


def test_a_huge_unknown_field_name_is_cut_short_in_the_path():
    (issue,) = visit_issues(visit_with(**{HUGE: 1}))
    assert len(issue.path) < 60 and len(issue.message) < 120


@pytest.mark.parametrize(
    "location, path",
    [
        ({"lat": 91, "lon": 0}, "location.lat"),
        ({"lat": 0, "lon": -180.5}, "location.lon"),
        ({"lat": 0, "lon": 0, "accuracy_m": -1}, "location.accuracy_m"),
        ({"lon": 0}, "location.lat"),
        ({"lat": "51.5", "lon": 0}, "location.lat"),
        ({"lat": 0, "lon": 0, "alt": 3}, "location.alt"),
    ],
)
def test_bad_locations_are_rejected_at_their_path(location, path):
    assert issue_paths(visit_with(location=location)) == [path]


def test_a_location_without_accuracy_or_no_location_at_all_is_fine():
    assert load_visit(visit_with(location={"lat": -33.9, "lon": 151.2})).location.accuracy_m is None
    assert load_visit(visit_with(location=None)).location is None


@pytest.mark.parametrize(
    "answer, path",
    [
        ({"question": "a", "value": "x" * 10_001}, "answers[0].value"),
        ({"question": "a", "value": [1, 2]}, "answers[0].value"),
        ({"question": "a", "value": {"nested": True}}, "answers[0].value"),
        ({"question": "a", "value": float("nan")}, "answers[0].value"),
        ({"question": "a", "value": 1e300}, "answers[0].value"),
        ({"question": "a", "value": 10**20}, "answers[0].value"),
        ({"question": "a", "value": "yes", "comment": "c" * 2001}, "answers[0].comment"),
        ({"question": "a", "value": "yes", "comment": None}, "answers[0].comment"),
        ({"question": "a", "na": "true"}, "answers[0].na"),
        ({"question": "A B", "value": 1}, "answers[0].question"),
        ({"question": "a\n", "value": 1}, "answers[0].question"),
        ({"question": HUGE, "value": 1}, "answers[0].question"),
        ({"value": 1}, "answers[0].question"),
        ({"question": "a", "value": 1, "score": 1}, "answers[0].score"),
    ],
)
def test_malformed_answers_are_rejected_at_their_path(answer, path):
    issues = visit_issues(visit_with(answers=[answer]))
    assert [i.path for i in issues] == [path]
    assert issues[0].message.startswith("answer 1")
    assert len(issues[0].message) < 200


def test_answer_errors_name_the_question():
    (issue,) = visit_issues(visit_with(answers=[{"question": "wait", "value": 2, "comment": "c" * 3000}]))
    assert issue.message == "answer 1 (question 'wait'): comment must be at most 2,000 characters"
    assert issue.question == "wait"


def test_too_many_answers_are_rejected_before_reading_them():
    assert issue_paths(visit_with(answers=[{"question": "a", "value": 1}] * 1001)) == ["answers"]


@pytest.mark.parametrize(
    "change, path",
    [
        ({"id": "nope"}, "photos[0].id"),
        ({"sha256": "ab" * 31}, "photos[0].sha256"),
        ({"sha256": "zz" * 32}, "photos[0].sha256"),
        ({"size": 0}, "photos[0].size"),
        ({"size": "10"}, "photos[0].size"),
        ({"size": 2**40}, "photos[0].size"),
        ({"content_type": "jpeg"}, "photos[0].content_type"),
        ({"content_type": HUGE}, "photos[0].content_type"),
        ({"question": None}, "photos[0].question"),
        ({"exif": {}}, "photos[0].exif"),
    ],
)
def test_malformed_photo_entries_are_rejected_at_their_path(change, path):
    entry = {**VISIT["photos"][0], **change}
    assert issue_paths(visit_with(photos=[entry])) == [path]


def test_sha256_and_content_type_are_stored_lowercase():
    entry = {**VISIT["photos"][0], "sha256": "AB" * 32, "content_type": "Image/JPEG"}
    stored = load_visit(visit_with(photos=[entry])).photos[0]
    assert (stored.sha256, stored.content_type) == ("ab" * 32, "image/jpeg")


def test_load_visit_raises_with_every_issue():
    with pytest.raises(VisitInvalid) as caught:
        load_visit(visit_with(id="x", branch_id="y", extra=1))
    assert sorted(i.path for i in caught.value.issues) == ["branch_id", "extra", "id"]


def test_a_visit_that_is_not_an_object_is_one_issue():
    assert issue_paths([VISIT]) == [""]
    with pytest.raises(VisitInvalid):
        load_visit("visit")


def test_the_marshmallow_schema_reports_errors_keyed_by_field_path():
    errors = VisitSchema().validate(visit_with(answers=[{"question": "a", "value": 1, "comment": 5}]))
    assert errors == {"answers": {0: {"comment": ["must be a string"]}}}


# -- checklists ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "description"])
def test_huge_checklist_strings_are_rejected_without_echoing_them(field):
    document = doc(sec("s", q("x")))
    document[field] = HUGE
    (issue,) = validate_checklist(document)
    assert issue.path == field and "at most" in issue.message and len(issue.message) < 100


@pytest.mark.parametrize(
    "field, value",
    [
        ("key", HUGE),
        ("key", "Has Spaces"),
        ("key", "trailing_newline\n"),
        ("key", ""),
        ("text", HUGE),
        ("text", ""),
        ("help", HUGE),
        ("type", HUGE),
        ("required", "yes"),
        ("required", 1),
        ("allow_na", None),
        ("critical", "true"),
        ("critical_policy", "sometimes"),
        ("visible_if", "a == yes"),
        ("options", "a,b"),
        ("min", "1"),
        ("max_length", 0),
        ("max_length", 20_000),
        ("min_photos", -1),
        ("min_photos", 1.5),
    ],
)
def test_hostile_question_fields_are_rejected_at_their_path(field, value):
    document = doc(sec("s", {**q("x"), field: value}))
    issues = [i for i in validate_checklist(document) if i.path == f"sections[0].questions[0].{field}"]
    assert issues, validate_checklist(document)
    assert all(len(i.message) < 200 for i in validate_checklist(document))


@pytest.mark.parametrize("sections", ["s", [5], [None], [{"key": "s", "title": "T"}]])
def test_malformed_sections_are_rejected_at_their_path(sections):
    document = doc()
    document["sections"] = sections
    assert validate_checklist(document)


def test_too_many_sections_or_options_are_rejected():
    assert [i.path for i in validate_checklist(doc(*[sec(f"s{n}", q(f"q{n}")) for n in range(101)]))] == ["sections"]
    options = [{"value": f"o{n}", "score": 1} for n in range(101)]
    assert [i.path for i in validate_checklist(doc(sec("s", q("c", "choice", options=options))))] == [
        "sections[0].questions[0].options"
    ]


def test_the_checklist_schema_alone_loads_dataclasses_and_keys_errors_by_path():
    assert ChecklistSchema().load(FULL_DOC).title == "Test checklist"
    errors = ChecklistSchema().validate(doc(sec("s", q("x", weight=-2))))
    assert errors == {"sections": {0: {"questions": {0: {"weight": ["must be a number >= 0"]}}}}}
