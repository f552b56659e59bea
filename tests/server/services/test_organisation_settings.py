"""Organisation settings: typed defaults, checked and logged changes, one query per request, a cache that dies with it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from server.models import Activity, OrganisationSetting
from server.services.org.settings import (
    current_settings,
    load_settings,
    phone_settings,
    save_settings,
    settings_from_form,
)
from server.services.org.settings_registry import DEFAULTS, SETTINGS, SettingError, SettingSpec
from shared.phone_settings import PhoneSettings
from tests.statements import count_statements


def test_a_fresh_organisation_has_the_mystery_shop_defaults(session):
    settings = load_settings(session)
    assert settings == DEFAULTS
    assert settings.shopper_pseudonyms is True and settings.show_score_preview is False
    assert session.scalars(select(OrganisationSetting)).all() == []


def test_a_change_is_stored_logged_with_who_and_what_and_read_back(session, make):
    admin = make.user("admin", name="Ada Admin")
    saved = save_settings(session, admin, {"shopper_pseudonyms": False, "show_score_preview": False})
    assert saved.shopper_pseudonyms is False and load_settings(session) == saved
    assert [row.key for row in session.scalars(select(OrganisationSetting))] == ["shopper_pseudonyms"]
    [entry] = session.scalars(select(Activity)).all()
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        admin.id,
        "update",
        "setting",
        "shopper_pseudonyms",
    )
    assert entry.summary == "Show shoppers to managers as pseudonyms: on → off"


def test_saving_the_same_values_again_writes_and_logs_nothing(session, make):
    admin = make.user("admin")
    save_settings(session, admin, {"show_score_preview": True})
    save_settings(session, admin, {"show_score_preview": True, "shopper_pseudonyms": True})
    assert len(session.scalars(select(Activity)).all()) == 1
    assert len(session.scalars(select(OrganisationSetting)).all()) == 1


@pytest.mark.parametrize(
    "values, field",
    [
        ({"shopper_pseudonyms": "yes"}, "shopper_pseudonyms"),
        ({"show_score_preview": 1}, "show_score_preview"),
        ({"no_such_setting": True}, "no_such_setting"),
    ],
)
def test_a_wrong_value_or_unknown_setting_is_refused_by_name_and_nothing_is_saved(session, make, values, field):
    admin = make.user("admin")
    with pytest.raises(SettingError) as caught:
        save_settings(session, admin, {"show_score_preview": True, **values})
    assert caught.value.field == field
    session.rollback()
    assert load_settings(session) == DEFAULTS and session.scalars(select(Activity)).all() == []


def test_a_stored_value_the_setting_cannot_hold_counts_as_the_default(session):
    session.add(OrganisationSetting(key="shopper_pseudonyms", value="maybe"))
    session.add(OrganisationSetting(key="from_a_newer_version", value=42))
    session.commit()
    assert load_settings(session) == DEFAULTS


def test_the_form_turns_checkboxes_into_values_and_names_a_wrong_field():
    values, errors = settings_from_form({"shopper_pseudonyms": "1"})
    assert values == {"organisation_name": "Fieldaudit", "shopper_pseudonyms": True, "show_score_preview": False}
    assert errors == {}
    _, errors = settings_from_form({"shopper_pseudonyms": "1", "show_score_preview": "on"})
    assert list(errors) == ["show_score_preview"]


def test_a_blank_organisation_name_means_the_default_and_a_long_one_is_refused():
    values, _ = settings_from_form({"organisation_name": "  "})
    assert values["organisation_name"] == "Fieldaudit"
    values, _ = settings_from_form({"organisation_name": " Acme Retail "})
    assert values["organisation_name"] == "Acme Retail"
    _, errors = settings_from_form({"organisation_name": "x" * 121})
    assert list(errors) == ["organisation_name"]


def test_a_request_reads_the_settings_once_however_often_it_asks(app):
    with app.test_request_context("/"):
        with count_statements() as seen:
            for _ in range(50):  # e.g. fifty shoppers labelled on one page
                current_settings()
        assert seen.count == 1, seen


def test_each_request_reads_afresh_even_in_a_reused_application_context(app, session, make):
    """The cache lives in the request's environ: a reused app context (and its `g`) cannot keep a stale value."""
    with app.test_request_context("/"):
        assert current_settings().shopper_pseudonyms is True
    session.add(OrganisationSetting(key="shopper_pseudonyms", value=False))  # another process changed it
    session.commit()
    with app.test_request_context("/"):
        assert current_settings().shopper_pseudonyms is False


def test_saving_updates_what_the_same_request_reads_next(app, session, make):
    admin = make.user("admin")
    with app.test_request_context("/"):
        assert current_settings().show_score_preview is False
        save_settings(session, admin, {"show_score_preview": True})
        assert current_settings().show_score_preview is True


def test_the_phone_gets_its_settings_by_the_same_names():
    assert phone_settings(DEFAULTS) == PhoneSettings(show_score_preview=False)
    assert phone_settings(replace(DEFAULTS, show_score_preview=True)).show_score_preview is True


def test_every_registered_setting_has_words_for_the_admin_page_and_a_valid_default():
    for spec in SETTINGS:
        assert spec.label and spec.help and spec.section
        assert spec.check(spec.default) == spec.default


@pytest.mark.parametrize(
    "spec, raw, value",
    [
        (SettingSpec("visits_per_month", int, 4, "Visits", "…", "Plan", minimum=1, maximum=31), " 12 ", 12),
        (SettingSpec("brand_name", str, "", "Brand", "…", "Branding", max_length=20), "  Larkspur ", "Larkspur"),
        (
            SettingSpec(
                "time_zone", str, "UTC", "Zone", "…", "Region", choices=(("UTC", "UTC"), ("Europe/London", "London"))
            ),
            "Europe/London",
            "Europe/London",
        ),
    ],
)
def test_later_settings_of_other_kinds_parse_their_form_value(spec, raw, value):
    assert spec.from_form(raw) == value


@pytest.mark.parametrize(
    "spec, raw, message",
    [
        (SettingSpec("visits_per_month", int, 4, "Visits", "…", "Plan", minimum=1, maximum=31), "0", "at least 1"),
        (SettingSpec("visits_per_month", int, 4, "Visits", "…", "Plan", minimum=1, maximum=31), "1e3", "whole number"),
        (SettingSpec("brand_name", str, "", "Brand", "…", "Branding", max_length=5), "Larkspur", "at most 5"),
        (SettingSpec("brand_name", str, "", "Brand", "…", "Branding"), "Lark\u202espur", "control or formatting"),
        (SettingSpec("time_zone", str, "UTC", "Zone", "…", "Region", choices=(("UTC", "UTC"),)), "Mars/Base", "listed"),
    ],
)
def test_later_settings_of_other_kinds_refuse_bad_values_with_a_sentence(spec, raw, message):
    with pytest.raises(SettingError) as caught:
        spec.from_form(raw)
    assert caught.value.field == spec.key and message in caught.value.message
