"""One password rule (NIST SP 800-63B) for every path that sets a password."""

from __future__ import annotations

import pytest

from server.services.accounts.passwords import MAX_LENGTH, PasswordRejected, check_new_password, common_passwords

EMAIL = "emma.clarke@example.org"


@pytest.mark.parametrize(
    "password,why",
    [
        ("", "Enter a password"),
        (" " * 20, "Enter a password"),
        ("\t\n  \u3000" * 4, "Enter a password"),
        ("short pass", "at least 12"),
        ("x" * (MAX_LENGTH + 1), "at most 256"),
        ("aaaaaaaaaaaaaaa", "one character repeated"),
        ("qazwsxedcrfv", "common passwords"),
        ("1qaz2wsx3edc", "common passwords"),
        ("1QAZ2WSX3EDC", "common passwords"),
        ("LeaveMeAlone", "common passwords"),
        ("my emma.clarke@example.org!", "email"),
        ("EMMA.CLARKE forever 2026", "email"),
        ("hello clarke family 42", "email"),
        (None, "Enter a password"),
    ],
)
def test_weak_passwords_are_refused_with_a_message_that_says_why(password, why):
    with pytest.raises(PasswordRejected) as refused:
        check_new_password(password, EMAIL)
    assert why in refused.value.message


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "tram ticket lilac 1987",
        "Zażółć gęślą jaźń!",
        "   spaces are fine too   ",
        "x" * 11 + "y",
        "yz" * (MAX_LENGTH // 2),
    ],
)
def test_good_passwords_pass_including_spaces_and_any_script(password):
    check_new_password(password, EMAIL)


def test_short_parts_of_the_email_do_not_forbid_ordinary_words():
    check_new_password("alphabet soup for dinner", "al.x@example.org")


def test_the_common_password_list_is_bundled_as_data_and_large():
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"123456", "password", "qwertyuiop", "iloveyou"} <= listed
    assert all(word == word.lower() for word in list(listed)[:500])


@pytest.mark.parametrize("path", ["create", "admin_reset", "own_change"])
def test_every_path_that_sets_a_password_uses_the_rule(session, make, path):
    from server.services.accounts.users import AccountError, create_user, set_password

    user = make.user(email="kim.lee@example.org")
    with pytest.raises(AccountError) as refused:
        if path == "create":
            create_user(session, email="new@example.org", name="N", role="shopper", password="justinbieber")
        else:
            set_password(session, user, "justinbieber", temporary=path == "admin_reset")
    assert refused.value.field == "password" and "common passwords" in refused.value.message
