"""The quick road through the visit schema (shared.visit_quick) loads and dumps exactly what the schema does, and steps
aside exactly where the schema refuses a document."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from shared.schemas import load_visit
from shared.visit_quick import plain_dump, plain_visit
from shared.visit_schema import _SCHEMA

ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.integers(2**31 - 2, 2**63 + 1),
                st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
                st.lists(st.integers(), max_size=2),
                st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
"""Values no field expects (or only some do)."""


def pick(good: list, bad: list) -> st.SearchStrategy:
    """Mostly one of the fitting values `good`, now and then one of `bad` or any odd value."""
    return st.integers(0, 11).flatmap(lambda n: st.sampled_from(good) if n < 10 else
                                      st.sampled_from(bad) if n == 10 else ODD)


@st.composite
def objects(draw: st.DrawFn, fields: dict[str, st.SearchStrategy]) -> dict:
    """An object of `fields`, now and then without one of them or with an unknown one."""
    found = {name: draw(value) for name, value in fields.items()}
    if draw(st.integers(0, 19)) == 0:
        del found[draw(st.sampled_from(sorted(found)))]
    if draw(st.integers(0, 19)) == 0:
        found["extra"] = 1
    return found


UUIDS = st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()))
TEXTS = pick(["ok", "Friendly,\r\nquick", "", " ", "é", "x" * 2000], ["bell\x07", "\u202eevil", "x" * 2001])
ANSWERS = objects({"question": pick(["q1", "q_2", "a" * 64], ["Q", "a" * 65, "bad key"]),
                   "value": st.one_of(pick(["yes", "no", 3, 2.5, True, False, None, 10**15], [10**15 + 1]), TEXTS),
                   "na": pick([True, False], [None, 1]), "comment": TEXTS})
PHOTOS = objects({"id": st.one_of(UUIDS, pick(["1b4e28ba-2fa1-11d2-883f-0016d3cca427"], ["not-a-uuid", ""])),
                  "question": pick(["p1"], ["bad key"]),
                  "sha256": pick(["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                                  "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"], ["abc"]),
                  "size": pick([1, 900_000, 1 << 30], [0, (1 << 30) + 1, 2.0]),
                  "content_type": pick(["image/jpeg", "IMAGE/PNG", "image/heic"], ["jpeg"])})
LOCATIONS = objects({"lat": pick([51.5, -90, 90, 0], [90.5]), "lon": pick([-0.12, 180, -180], [-181]),
                     "accuracy_m": pick([12.0, 0, None, 10**6], [-1, 10**6 + 1])})
DOCUMENTS = objects({
    "id": UUIDS, "template_version_id": pick([1, 7, 10**15], [0, 10**15 + 1, 1.0]),
    "assignment_id": st.one_of(st.none(), UUIDS), "branch_id": pick([1, 3], [-1, True]),
    "started_at": pick(["2026-03-02T09:14:03Z", "2026-03-02T09:14:03.5+00:00"], ["2026-03-02T09:14:03", "soon"]),
    "finished_at": pick(["2026-03-02T09:52:40Z", "2026-03-02T11:52:40+01:00", "2026-03-02T09:52z",
                         "2026-03-02T09:52:40.123456-05:30"], ["2026-03-02T09:00:00Z", "2026-02-30T09:00:00Z"]),
    "location": st.one_of(st.none(), LOCATIONS), "base_revision": pick([None, 1, 2**31 - 1], [0, 2**31]),
    "answers": st.lists(ANSWERS, max_size=4), "photos": st.lists(PHOTOS, max_size=3),
})


def well_formed(answers: int = 3, photos: int = 2) -> dict:
    """A visit document with nothing unusual about it."""
    return {"id": str(uuid.uuid4()), "template_version_id": 3, "branch_id": 2, "assignment_id": None,
            "started_at": "2026-03-02T09:14:03Z", "finished_at": "2026-03-02T10:14:03+01:00",
            "location": {"lat": 51.5, "lon": -0.12}, "base_revision": None,
            "answers": [{"question": f"q{i}", "value": "yes", "comment": "fine\r\nreally"} for i in range(answers)],
            "photos": [{"id": str(uuid.uuid4()), "question": "p1", "sha256": "AB" * 32, "size": 10,
                        "content_type": "Image/JPEG"} for _ in range(photos)]}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_the_quick_road_gives_what_the_schema_gives_and_steps_aside_exactly_where_it_refuses(document):
    try:
        expected = _SCHEMA.load(document)
    except ValidationError:
        expected = None
    quick = plain_visit(_SCHEMA, document)
    assert quick == expected  # the same visit, or None where the schema refuses (it then says why)
    if expected is not None:
        assert list(plain_dump(_SCHEMA, expected).items()) == list(_SCHEMA.dump(expected).items())


@pytest.mark.parametrize("answers, photos", [(0, 0), (3, 2), (24, 2)])
def test_a_well_formed_visit_takes_the_quick_road_to_the_same_visit_and_back(answers, photos):
    document = well_formed(answers, photos)
    quick = plain_visit(_SCHEMA, document)
    assert quick is not None and quick == _SCHEMA.load(document)
    assert list(plain_dump(_SCHEMA, quick).items()) == list(_SCHEMA.dump(quick).items())
    assert quick.photos == () or quick.photos[0].sha256 == "ab" * 32 and quick.photos[0].content_type == "image/jpeg"


def test_a_visit_the_schema_refuses_is_refused_with_the_schemas_messages():
    document = well_formed()
    document["finished_at"] = "2026-03-02T08:00:00Z"
    assert plain_visit(_SCHEMA, document) is None
    with pytest.raises(Exception) as refused:
        load_visit(document)
    assert [issue.path for issue in refused.value.issues] == ["finished_at"]
