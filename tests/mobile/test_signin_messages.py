"""The sign-in screen's words for each failure: a TLS problem is not "cannot reach", a refused code says why."""

from __future__ import annotations

import pytest

from mobile.app.screens.signin import explain, scan_labels
from mobile.devices.base import SCAN_LABELS
from mobile.sync import AddressError, AuthError, EnrolmentLinkError, NetworkError, TlsError


def test_an_http_server_on_the_https_address_says_to_type_http():
    text = explain(TlsError("x", "not_https"), "https://192.168.1.5")
    assert "does not speak https" in text and "http://" in text and "Cannot reach" not in text


def test_an_unverified_certificate_says_so():
    assert "certificate could not be verified" in explain(TlsError("x", "certificate"), "https://a.org")


def test_no_answer_at_all_is_still_cannot_reach():
    assert explain(NetworkError("x"), "https://a.org").startswith("Cannot reach the server at https://a.org")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("code_used", "used already"),
        ("code_expired", "expired"),
        ("code_unknown", "not known"),
        ("code_replaced", "newer"),
    ],
)
def test_a_refused_code_says_why(reason, words):
    assert words in explain(AuthError("x", reason), "https://a.org")


def test_address_and_link_problems_name_the_field():
    assert explain(AddressError("port"), "").startswith("Server address:")
    assert explain(EnrolmentLinkError("bad_code"), "").startswith("Code:")


def test_every_scanner_text_is_translated():
    assert set(scan_labels()) == set(SCAN_LABELS)
