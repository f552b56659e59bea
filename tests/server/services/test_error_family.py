"""The user-fixable errors of every feature are ServiceErrors: one field, one message, the status the edges answer."""

from __future__ import annotations

import pytest

from server.errors import _flatten
from server.services.checklists.versions import TemplateError
from server.services.errors import ServiceError, first_and_more
from server.services.org.branch_import import CsvFileError, ImportRaced
from server.services.org.organisation import OrgError
from server.services.org.settings_registry import SettingError
from server.services.photos.checks import BadUpload, PhotoNotFound, QuotaExceeded
from server.services.photos.renditions import ImageRefused
from server.services.scores import ScoreFilterError
from server.services.visits.reviews import ReviewError, ReviewForbidden
from shared.errors import ChecklistInvalid, Issue


@pytest.mark.parametrize(
    "error, status, errors",
    [
        (OrgError("code", "taken"), 400, {"code": ["taken"]}),
        (TemplateError("title", "needed"), 400, {"title": ["needed"]}),
        (ReviewError("note", "say why"), 400, {"note": ["say why"]}),
        (ReviewForbidden("reviewer", "admins only"), 403, {"reviewer": ["admins only"]}),
        (ScoreFilterError("from", "too early"), 422, {"from": ["too early"]}),
        (SettingError("retention", "too long"), 400, {"retention": ["too long"]}),
        (CsvFileError("not UTF-8"), 400, {"file": ["not UTF-8"]}),
        (ImportRaced(), 409, {"code": [ImportRaced().message]}),
        (ImageRefused("unreadable"), 415, {"photo": ["unreadable"]}),
        (PhotoNotFound("no such photo"), 404, {}),
        (BadUpload("bad range", errors={"Content-Range": ["start <= end"]}), 400, {"Content-Range": ["start <= end"]}),
    ],
)
def test_each_features_refusal_is_a_service_error_with_its_status_and_fields(error, status, errors):
    assert isinstance(error, ServiceError) and error.status == status
    assert error.as_errors() == errors


def test_photo_errors_keep_what_the_upload_protocol_needs():
    quota = QuotaExceeded("used up", retry_after=60)
    assert (quota.status, quota.retry_after, quota.message, quota.received_bytes) == (429, 60, "used up", None)


def test_filter_and_setting_errors_still_read_field_first():
    assert str(ScoreFilterError("to", "not a date")) == "to: not a date"
    assert str(SettingError("retention", "must be a whole number.")) == "retention: must be a whole number."


def test_one_first_and_more_for_service_errors_and_documents():
    assert first_and_more(["a", "b", "c"]) == "a (and 2 more)" and first_and_more(["a"]) == "a"
    invalid = ChecklistInvalid([Issue("title", "needed"), Issue("sections", "empty")])
    assert str(invalid) == "invalid checklist: needed (and 1 more)"


def test_webargs_errors_are_flattened_by_shareds_paths_without_their_location():
    messages = {
        "json": {"visits": {0: {"id": ["Not a valid UUID."]}}, "_schema": ["Too many."]},
        "query": {"since": ["Not a valid integer."]},
    }
    assert _flatten(messages) == {
        "visits[0].id": ["Not a valid UUID."],
        "_schema": ["Too many."],
        "since": ["Not a valid integer."],
    }
