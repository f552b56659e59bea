"""The sign-in link of an admin's QR code reads into server and code; anything else gets a readable message."""

from __future__ import annotations

import pytest

from mobile.sync import AddressError, EnrolmentLinkError, enrolment_from_parts, enrolment_link, parse_enrolment_link
from mobile.sync.enrolment import Enrolment


def test_the_link_the_server_makes_reads_back_into_server_and_code():
    link = "fieldaudit://enrol?server=https%3A%2F%2Faudit.example.org&code=ABCDEFGHJKMNPQRS"
    assert parse_enrolment_link(link) == Enrolment("https://audit.example.org", "ABCDEFGHJKMNPQRS")


def test_the_link_tolerates_spaces_case_dashes_and_a_server_without_scheme():
    link = "  FIELDAUDIT://enrol/?code=abcd-efgh jkmn-pqrs&server=192.168.1.5:5000/  "
    assert parse_enrolment_link(link) == Enrolment("http://192.168.1.5:5000", "ABCDEFGHJKMNPQRS")


def test_a_link_built_from_typed_parts_reads_back_the_same():
    assert parse_enrolment_link(enrolment_link("audit.example.org", "abcd-efgh")) == enrolment_from_parts(
        "audit.example.org", "ABCDEFGH"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        (None, "empty"),
        ("https://audit.example.org", "not_a_link"),
        ("otpauth://totp/Fieldaudit:me?secret=ABC", "not_a_link"),
        ("fieldaudit://visit?server=x&code=ABCDEFGH", "not_a_link"),
        ("fieldaudit://enrol/other?server=x&code=ABCDEFGH", "not_a_link"),
        ("fieldaudit://enrol?code=ABCDEFGH", "no_server"),
        ("fieldaudit://enrol?server=&code=ABCDEFGH", "no_server"),
        ("fieldaudit://enrol?server=a.org&server=b.org&code=ABCDEFGH", "no_server"),
        ("fieldaudit://enrol?server=a.org", "no_code"),
        ("fieldaudit://enrol?server=a.org&code=", "no_code"),
        ("fieldaudit://enrol?server=a.org&code=ABC%21DEFGH", "bad_code"),
        ("fieldaudit://enrol?server=a.org&code=ABC", "bad_code"),
        ("fieldaudit://enrol?server=a.org&code=" + "A" * 65, "bad_code"),
    ],
)
def test_a_malformed_link_is_refused_with_a_readable_message(text, problem):
    with pytest.raises(EnrolmentLinkError) as refused:
        parse_enrolment_link(text)
    assert refused.value.problem == problem and refused.value.message.endswith(".")


def test_a_link_whose_server_is_malformed_is_refused_as_an_address():
    with pytest.raises(AddressError) as refused:
        parse_enrolment_link("fieldaudit://enrol?server=ftp%3A%2F%2Fa.org&code=ABCDEFGH")
    assert refused.value.problem == "scheme"


def test_typed_parts_are_checked_each():
    with pytest.raises(AddressError):
        enrolment_from_parts("", "ABCDEFGH")
    with pytest.raises(EnrolmentLinkError) as refused:
        enrolment_from_parts("audit.example.org", "  ")
    assert refused.value.problem == "no_code"


def test_the_desktop_popup_hands_on_a_pasted_link_or_one_made_of_the_typed_fields():
    from mobile.devices.desktop import typed_link

    assert typed_link("  fieldaudit://enrol?server=a.org&code=X  ", "ignored", "") == (
        "fieldaudit://enrol?server=a.org&code=X"
    )
    made = typed_link("", " audit.example.org ", " abcd-efgh ")
    assert parse_enrolment_link(made) == Enrolment("https://audit.example.org", "ABCDEFGH")
    assert typed_link("", "", "  ") is None
