"""Every web form applies shared.text's rule: the page names the field, keeps the rest of the input, stores nothing;
any other form post or query string with such text is refused before its view runs."""

from __future__ import annotations

import functools
import html
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from server.extensions import db
from server.form_text import form_text_errors
from server.services.checklists.versions import import_template
from shared import fields as f
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import csrf_token, new_client, web_login
from tests.server.web.dashboard.world import build

BIDI = "Kept\u202etxt.exe"  # shows as "Keptexe.txt": a right-to-left override
BELL = "ring\x07"


@dataclass
class Site:
    """A small organisation, a submitted visit and a draft checklist, with an admin signed in."""

    client: object
    world: object
    draft: object
    visit: object
    token: str

    def post(self, url: str, data: dict, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **data}, **kwargs)


@pytest.fixture
def site(make, session, client) -> Site:
    world = build(make, session, client)
    visit = world.visit("n1", approve=False)
    draft = import_template(session, json.loads(json.dumps({**SMALL_CHECKLIST, "title": "Draft list"})))
    session.commit()
    web_login(client, world.people["admin"].email)
    return Site(client, world, draft, visit, csrf_token(client.get("/").text))


def stored(session) -> dict:
    """Every row of every table: a post that is refused must leave this unchanged."""
    session.rollback()
    return {table.name: sorted(map(repr, session.execute(select(table)).all())) for table in db.metadata.sorted_tables}


@functools.cache
def _soon(days: int = 1) -> str:
    """A day `days` ahead, fixed for the run: the expected text (made at import) and the form (made in the test)
    must agree even when the run crosses midnight."""
    return (date.today() + timedelta(days=days)).isoformat()


# name: (url, form data, field label in the message, refused text, a value of another field the page must keep)
def _webhook_id(site: Site) -> int:
    """A webhook endpoint to edit (made directly: no address check in a form-text test), made once per test."""
    from server.models import WebhookEndpoint

    session = db.session
    found = session.scalar(select(WebhookEndpoint.id))
    if found is None:
        endpoint = WebhookEndpoint(url="https://hooks.example.org/x", secret="whsec_x", event_types=["visit.approved"])
        session.add(endpoint)
        session.commit()
        found = endpoint.id
    return found


def _action_id(site: Site) -> int:
    """A corrective action at branch n1 to comment on, raised once per test."""
    from server.models import CorrectiveAction
    from server.services.actions.raising import raise_action

    session = db.session
    found = session.scalar(select(CorrectiveAction.id))
    if found is None:
        action = raise_action(
            session, site.world.people["admin"], site.world.branches["n1"], title="Fix the door", due_on=_soon(7)
        )
        session.commit()
        found = action.id
    return found


FORMS = {
    "actions.new": (
        lambda s: "/actions/new",
        lambda s: {
            "branch": s.world.branches["n1"].id,
            "title": BIDI,
            "description": "A kept description",
            "due_on": _soon(5),
            "priority": "normal",
            "owner": "",
        },
        "Title",
        BIDI,
        "A kept description",
    ),
    "webhooks.new": (
        lambda s: "/admin/webhooks/new",
        lambda s: {"url": "https://hooks.example.org/kept", "event_types": ["visit.approved"], "description": BIDI},
        "Description",
        BIDI,
        "https://hooks.example.org/kept",
    ),
    "webhooks.edit": (
        lambda s: f"/admin/webhooks/{_webhook_id(s)}/edit",
        lambda s: {
            "url": f"https://hooks.example.org/{_webhook_id(s)}",
            "event_types": ["visit.approved"],
            "description": BELL,
        },
        "Description",
        BELL,
        "https://hooks.example.org/",
    ),
    "org.region_new": (lambda s: "/admin/regions/new", lambda s: {"code": "EAST", "name": BIDI}, "Name", BIDI, "EAST"),
    "org.region_edit": (
        lambda s: f"/admin/regions/{s.world.regions['north'].id}/edit",
        lambda s: {"code": "NORX", "name": BELL},
        "Name",
        BELL,
        "NORX",
    ),
    "org.branch_new": (
        lambda s: f"/admin/regions/{s.world.regions['north'].id}/branches/new",
        lambda s: {"code": "N-099", "name": "New one", "address": BIDI, "latitude": "51.25", "longitude": "-0.5"},
        "Address",
        BIDI,
        "51.25",
    ),
    "org.branch_edit": (
        lambda s: f"/admin/branches/{s.world.branches['n1'].id}/edit",
        lambda s: {"code": "N-001", "name": BIDI, "address": "1 Kept Road", "latitude": "", "longitude": ""},
        "Name",
        BIDI,
        "1 Kept Road",
    ),
    "org.user_new": (
        lambda s: "/admin/users/new",
        lambda s: {"email": "kept@example.test", "name": BIDI, "role": "shopper", "password": "a long enough password"},
        "Name",
        BIDI,
        "kept@example.test",
    ),
    "org.user_password": (
        lambda s: f"/admin/users/{s.world.people['ann'].id}/password",
        lambda s: {"password": "secret\x00password", "confirm": "secret\x00password"},
        "Password",
        "secret\x00password",
        "Ann Shopper",
    ),
    "review.decide": (
        lambda s: f"/review/visits/{s.visit.id}",
        lambda s: {"decision": "return", "note": BIDI},
        "Note",
        BIDI,
        "Kept",
    ),
    "assignments.create": (
        lambda s: "/assignments/",
        lambda s: {
            "branch": s.world.branches["n2"].id,
            "shopper": s.world.people["bob"].id,
            "template": s.world.template.id,
            "due_from": _soon(3),
            "due_to": _soon(9),
            "notes": BIDI,
        },
        "Notes",
        BIDI,
        _soon(9),
    ),
    "assignments.bulk": (
        lambda s: "/assignments/bulk",
        lambda s: {
            "region": s.world.regions["north"].id,
            "shoppers": s.world.people["bob"].id,
            "template": s.world.template.id,
            "due_from": _soon(4),
            "due_to": _soon(8),
            "notes": BELL,
        },
        "Notes",
        BELL,
        _soon(8),
    ),
    "checklists.create": (lambda s: "/builder/templates", lambda s: {"title": BIDI}, "Title", BIDI, "Kept"),
    "checklists.import_json": (
        lambda s: "/builder/import",
        lambda s: {"template_id": "1\x1b", "file": (io.BytesIO(json.dumps(SMALL_CHECKLIST).encode()), "c.json")},
        "Template",
        "1\x1b",
        None,
    ),
    "checklists.settings": (
        lambda s: f"/builder/versions/{s.draft.id}/settings",
        lambda s: {"scope": "settings", "title": "A kept title", "description": BIDI, "critical_policy": "flag"},
        "Description",
        BIDI,
        "A kept title",
    ),
    "checklists.add_section": (
        lambda s: f"/builder/versions/{s.draft.id}/sections",
        lambda s: {"key": "kept_key", "title": BIDI},
        "Title",
        BIDI,
        "kept_key",
    ),
    "checklists.update_section": (
        lambda s: f"/builder/versions/{s.draft.id}/sections/front",
        lambda s: {"key": "front", "title": BELL, "weight": "7"},
        "Title",
        BELL,
        "7",
    ),
    "checklists.new_question": (
        lambda s: f"/builder/versions/{s.draft.id}/sections/front/questions/new",
        lambda s: {"key": "kept_q", "text": "Kept question?", "type": "text", "help": BIDI},
        "Help text",
        BIDI,
        "Kept question?",
    ),
    "checklists.question": (
        lambda s: f"/builder/versions/{s.draft.id}/questions/greeted",
        lambda s: {"key": "greeted", "text": BIDI, "type": "yes_no", "weight": "3"},
        "Question text",
        BIDI,
        "3",
    ),
    "checklists.preview": (
        lambda s: f"/builder/versions/{s.world.template.latest_published().id}/preview",
        lambda s: {"a-greeted": "yes", "a-notes": BIDI},
        "The answer to 'notes'",
        BIDI,
        'value="yes" checked',
    ),
}


def _message(label: str, text: str) -> str:
    """The message the page shows (HTML-escaped as Jinja escapes it) for ``text`` typed into the field ``label``."""
    return escape(form_text_errors(MultiDict([("x", text)]))["x"][0].replace("X ", f"{label} ", 1))


@pytest.mark.parametrize("endpoint", FORMS)
def test_a_form_page_names_the_field_keeps_the_other_input_and_stores_nothing(site, session, endpoint):
    url, data, label, text, kept = FORMS[endpoint]
    form = data(site)
    before = stored(session)
    response = site.post(
        url(site), form, **({"content_type": "multipart/form-data"} if endpoint == "checklists.import_json" else {})
    )
    assert response.status_code == 422, (endpoint, response.status_code, response.text[:500])
    assert _message(label, text) in response.text, response.text
    assert kept is None or escape(kept) in response.text or kept in response.text
    assert stored(session) == before


def test_the_sign_in_form_names_the_field_and_keeps_the_email(app, make):
    client = new_client(app)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "ann\u2066@example.test", "password": "whatever it is", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 200 and "Sign in" in response.text
    assert _message("Email", "ann\u2066@example.test") in response.text and "ann\u2066@example.test" in response.text
    assert "Email or password is incorrect" not in response.text  # refused before any look-up


def test_live_validation_reports_refused_text_on_its_field(site):
    url = f"/builder/versions/{site.draft.id}/validate"
    body = site.post(
        url,
        {
            "scope": "question",
            "original": "greeted",
            "section": "front",
            "key": "greeted",
            "text": BIDI,
            "type": "yes_no",
        },
    ).get_json()
    assert body["errors"]["text"] == [html.unescape(_message("Question text", BIDI))]
    settings = site.post(url, {"scope": "settings", "title": BELL}).get_json()
    assert settings["errors"]["title"] == [html.unescape(_message("Title", BELL))]


OTHER_TEXT_CHECKED = {"auth.login", "checklists.validate", "actions.comment", "actions.evidence"}
OTHER_TEXT_CHECKED |= {"auth.forgot_password", "auth.password_link"}
"""Pages that check text themselves but are not a FORMS page: tested by the tests around this one."""


def test_every_form_page_that_shows_its_own_text_errors_is_tested_above(app):
    marked = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "shows_text_errors", False)}
    assert marked == set(FORMS) | OTHER_TEXT_CHECKED


def test_an_action_comment_or_evidence_post_with_refused_text_says_which_field_and_stores_nothing(site, session):
    action_id = _action_id(site)
    before = stored(session)
    page = site.post(f"/actions/{action_id}/comment", {"comment": BIDI}, follow_redirects=True)
    assert _message("Comment", BIDI) in page.text
    photo = (io.BytesIO(b"\xff\xd8\xff not really"), "door.jpg")
    page = site.post(
        f"/actions/{action_id}/evidence",
        {"caption": BELL, "photo": photo},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert _message("Caption", BELL) in page.text
    assert stored(session) == before


def test_the_password_pages_name_the_field_with_refused_text_and_store_nothing(app, make, session):
    from server.models import TokenPurpose
    from server.services.accounts.password_links import issue_link

    user = make.user("shopper")
    session.commit()
    client = new_client(app)
    page = client.get("/password/forgot")
    before = stored(session)
    refused = client.post(
        "/password/forgot", data={"email": "ann\u2066@example.test", "csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 422 and _message("Email", "ann\u2066@example.test") in refused.text
    assert stored(session) == before
    token, _row = issue_link(session, user, TokenPurpose.RESET, timedelta(hours=1))
    session.commit()
    before = stored(session)
    page = client.get(f"/password/{token}")
    refused = client.post(
        f"/password/{token}",
        data={"password": "long enough\x00password", "confirm": "x", "csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 422 and _message("Password", "long enough\x00password") in refused.text
    assert stored(session) == before


def _url_for_rule(rule) -> str:
    return rule.build(
        {name: 1 if type(conv).__name__ == "IntegerConverter" else "x" for name, conv in rule._converters.items()}
    )[1]


def test_every_other_form_post_with_refused_text_is_a_422_before_its_view_runs(site, session, app):
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and not rule.rule.startswith("/api/")
        and not getattr(app.view_functions[rule.endpoint], "shows_text_errors", False)
    ]
    assert len(posts) >= 15
    before = stored(session)
    for rule in posts:
        response = site.post(_url_for_rule(rule), {"direction": "up", "active": "0", "shopper": "1\u202e"})
        assert response.status_code == 422, (rule.rule, response.status_code)
        assert "Shopper must not contain a bidirectional control character" in response.text, rule.rule
        assert "Nothing was saved" in response.text
    assert stored(session) == before


def test_a_query_string_with_refused_text_is_a_422(site):
    response = site.client.get("/dashboard/", query_string={"period": "month\x1b[2J"})
    assert response.status_code == 422 and "Period must not contain a control character" in response.text
    assert site.client.get("/assignments/", query_string={"status": "open"}).status_code == 200


def test_textarea_line_breaks_arrive_as_line_feeds(site, session):
    north = site.world.regions["north"]
    response = site.post(
        f"/admin/regions/{north.id}/branches/new",
        {"code": "N-077", "name": "Two lines", "address": "1 High St\r\nLeeds\rUK"},
    )
    assert response.status_code == 302
    session.rollback()
    from server.models import Branch

    assert session.scalar(select(Branch.address).where(Branch.code == "N-077")) == "1 High St\nLeeds\nUK"


def test_the_web_forms_and_the_api_refuse_exactly_the_same_characters():
    api_field = f.Text(max_length=10)
    differences = []
    for code in range(0x10000):
        char = chr(code)
        try:
            api_field.deserialize(char)
            api_ok = True
        except Exception:  # noqa: BLE001 - marshmallow's ValidationError
            api_ok = False
        web_ok = not form_text_errors(MultiDict([("x", char)]))
        if api_ok != web_ok:
            differences.append(hex(code))
    assert not differences


def test_every_wtforms_form_of_the_server_checks_text(tmp_path, monkeypatch):
    # server.wsgi makes its app at import from the environment: its instance folder goes to tmp, not the checkout.
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FIELDAUDIT_DATABASE_URL", raising=False)
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import server
    from server.form_text import TextCheckedForm

    for module in pkgutil.walk_packages(server.__path__, "server."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    forms, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        if form.__module__.startswith("server.") and form is not TextCheckedForm:
            forms.append(form)
    assert forms, "no forms found"
    assert all(issubclass(form, TextCheckedForm) for form in forms), [f.__name__ for f in forms]
