"""Reading and changing the organisation settings (services.settings_registry says which there are).

`current_settings()` is what pages, endpoints and report builders call: one query per request, however
many shoppers a page labels. The cache lives in the request's WSGI environ (a fresh dict per request),
not only in `flask.g`, so a value can never outlive its request even where an application context is
reused. `save_settings` checks every value, writes only the changed ones and logs each change (the caller commits).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.extensions import DbSession, db
from server.models import OrganisationSetting, User
from server.services.activity import log_activity
from server.services.org.settings_registry import (
    DEFAULTS,
    SETTINGS,
    SETTINGS_BY_KEY,
    OrganisationSettings,
    SettingError,
)
from shared.phone_settings import PhoneSettings

log = logging.getLogger(__name__)
_CACHE_KEY = "fieldaudit.organisation_settings"


def load_settings(session: DbSession) -> OrganisationSettings:
    """The settings as stored (one query); a stored value the setting cannot hold counts as its default."""
    values: dict[str, Any] = {}
    for key, value in session.execute(select(OrganisationSetting.key, OrganisationSetting.value)):
        spec = SETTINGS_BY_KEY.get(key)
        if spec is None:
            continue  # written by another version of Fieldaudit: ignored, kept
        try:
            values[key] = spec.check(value)
        except SettingError as exc:
            log.warning("organisation setting %s: stored value ignored, using the default: %s", key, exc.message)
    return replace(DEFAULTS, **values)


def _cache() -> dict | None:
    """Where this request keeps its settings (the WSGI environ), or the app context's `g` outside a request."""
    if has_request_context():
        return request.environ
    if has_app_context():
        return g.__dict__
    return None


def current_settings() -> OrganisationSettings:
    """The settings for this request: read once, then reused by every page part, CSV row and report line."""
    cache = _cache()
    if cache is None:
        raise RuntimeError("current_settings() needs an application context; use load_settings(session)")
    found = cache.get(_CACHE_KEY)
    if found is None:
        found = cache[_CACHE_KEY] = load_settings(db.session)
    return found


def check_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values checked by their settings; SettingError for an unknown setting or a value it cannot hold."""
    checked = {}
    for key, value in values.items():
        spec = SETTINGS_BY_KEY.get(key)
        if spec is None:
            raise SettingError(key, "there is no such setting.")
        checked[key] = spec.check(value)
    return checked


def settings_from_form(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(values, errors) from the settings page's form: every setting on the page, each error under its field."""
    values, errors = {}, {}
    for spec in SETTINGS:
        try:
            values[spec.key] = spec.from_form(form.get(spec.key))
        except SettingError as exc:
            errors[exc.field] = [exc.message]
    return values, errors


def save_settings(session: DbSession, actor: User | None, values: Mapping[str, Any]) -> OrganisationSettings:
    """Store the changed values (all checked first, so nothing is half-saved) and log each change; not committed."""
    checked = check_values(values)
    before = load_settings(session)
    rows = {
        row.key: row
        for row in session.scalars(select(OrganisationSetting).where(OrganisationSetting.key.in_(list(checked))))
    }
    for key, value in checked.items():
        old, row = getattr(before, key), rows.get(key)
        if (value == old and row is None) or (row is not None and row.value == value):
            continue  # nothing to write: the default still holds, or the row already says so
        if row is None:
            session.add(OrganisationSetting(key=key, value=value, updated_by_id=getattr(actor, "id", None)))
        else:
            row.value, row.updated_by_id = value, getattr(actor, "id", None)
        if value != old:
            spec = SETTINGS_BY_KEY[key]
            log_activity(
                session, actor, "update", "setting", key, f"{spec.label}: {spec.shown(old)} → {spec.shown(value)}"
            )
    try:
        session.flush()
    except IntegrityError:  # another admin stored the same setting's first row at the same moment
        raise SettingError(
            "_form",
            "The settings were changed by someone else at the same moment; "
            "nothing was saved. Look at them again and save.",
        ) from None
    after = replace(before, **checked)
    cache = _cache()
    if cache is not None:
        cache[_CACHE_KEY] = after
    return after


def phone_settings(settings: OrganisationSettings) -> PhoneSettings:
    """The settings the phone app needs (shared.phone_settings), taken by name from the organisation's."""
    return PhoneSettings(**{item.name: getattr(settings, item.name) for item in fields(PhoneSettings)})
