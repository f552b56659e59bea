"""The action pages: lists per role, the action page with its forms (CSRF), raising from a visit's answer,
404 for actions and branches outside the reader's scope, 403 for shoppers, escaped text, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from server.models import ActionStatus, CorrectiveAction
from server.services.actions.workflow import change_status
from server.services.transactions import atomic
from tests.server.actions.conftest import PASSING
from tests.server.auth_helpers import csrf_token, new_client, web_login


def signed_in(app, user):
    client = new_client(app)
    web_login(client, user.email)
    return client


def test_a_manager_sees_their_actions_the_branch_list_and_the_regions_overdue_ones(app, world, session):
    mine = world.action(title="Mine", owner=world.manager)
    late = world.action(title="Late one", due_on=date.today() - timedelta(days=3))
    world.action(branch=world.other_branch, actor=world.admin, title="Elsewhere")
    client = signed_in(app, world.manager)
    page = client.get("/actions/mine")
    assert page.status_code == 200 and "Mine" in page.text and "Late one" not in page.text
    assert 'href="/actions/mine"' in page.text and ">Actions<" in client.get("/").text
    branch = client.get(f"/actions/branches/{world.branch.id}").text
    assert "Mine" in branch and "Late one" in branch and "Elsewhere" not in branch
    overdue = client.get(f"/actions/regions/{world.branch.region_id}/overdue").text
    assert "Late one" in overdue and "Mine" not in overdue and "overdue</span>" in overdue
    everything = client.get("/actions/").text
    assert (
        "Elsewhere" not in everything
        and f'data-action="{mine.id}"' in everything
        and f'data-action="{late.id}"' in everything
    )


def test_the_list_filters_by_status_owner_and_overdue_and_refuses_an_unknown_status(app, world, session):
    started = world.action(title="Started")
    with atomic(session):
        change_status(session, world.manager, started, "in_progress")
    world.action(title="Untouched", owner=world.manager)
    client = signed_in(app, world.admin)
    page = client.get("/actions/", query_string={"status": "in_progress"}).text
    assert "Started" in page and "Untouched" not in page
    page = client.get("/actions/", query_string={"owner": "none"}).text
    assert "Started" in page and "Untouched" not in page
    assert "No actions match" in client.get("/actions/", query_string={"overdue": "1"}).text
    assert client.get("/actions/", query_string={"status": "finished"}).status_code == 400


def test_shoppers_get_403_and_other_regions_managers_404(app, world):
    action = world.action()
    shopper = signed_in(app, world.shopper)
    assert shopper.get("/actions/mine").status_code == 403
    assert shopper.get(f"/actions/{action.id}").status_code == 403
    other = signed_in(app, world.other_manager)
    assert other.get(f"/actions/{action.id}").status_code == 404
    assert other.get(f"/actions/branches/{world.branch.id}").status_code == 404
    assert other.get(f"/actions/regions/{world.branch.region_id}/overdue").status_code == 404
    page = other.get(f"/actions/{action.id}")
    assert page.status_code == 404
    token = csrf_token(other.get("/actions/mine").text)
    for path, data in (("status", {"status": "in_progress"}), ("comment", {"comment": "x"})):
        response = other.post(f"/actions/{action.id}/{path}", data={**data, "csrf_token": token})
        assert response.status_code == 404
    assert other.get(f"/actions/new?branch={world.branch.id}").status_code == 404
    assert "x" not in [e.comment for e in action.events]


def test_the_action_page_moves_the_status_and_takes_comments_only_with_the_csrf_token(app, world, session):
    action = world.action(title="Fix <b>labels</b>", description="<script>alert(1)</script>")
    client = signed_in(app, world.manager)
    page = client.get(f"/actions/{action.id}")
    assert "Fix &lt;b&gt;labels&lt;/b&gt;" in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert 'value="in_progress"' in page.text and 'value="cancelled"' in page.text
    assert client.post(f"/actions/{action.id}/status", data={"status": "in_progress"}).status_code == 400
    token = csrf_token(page.text)
    response = client.post(f"/actions/{action.id}/status", data={"status": "in_progress", "csrf_token": token})
    assert response.status_code == 302
    client.post(f"/actions/{action.id}/comment", data={"comment": "Printed <new> labels", "csrf_token": token})
    refused = client.post(
        f"/actions/{action.id}/status",
        data={"status": "cancelled", "reason": "", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Say why the action is cancelled." in refused.text
    session.expire_all()
    stored = session.get(CorrectiveAction, action.id)
    assert stored.status is ActionStatus.IN_PROGRESS
    assert [e.kind for e in stored.events] == ["created", "status", "comment"]
    page = client.get(f"/actions/{action.id}").text
    assert "Printed &lt;new&gt; labels" in page and "Status open → in progress" in page


def test_a_manager_reassigns_and_reschedules_on_the_action_page(app, world, session):
    action = world.action()
    client = signed_in(app, world.manager)
    token = csrf_token(client.get(f"/actions/{action.id}").text)
    due = (date.today() + timedelta(days=40)).isoformat()
    data = {"owner": str(world.admin.id), "due_on": due, "priority": "high", "csrf_token": token}
    assert client.post(f"/actions/{action.id}/edit", data=data).status_code == 302
    session.expire_all()
    stored = session.get(CorrectiveAction, action.id)
    assert (stored.owner_id, stored.due_on.isoformat(), stored.priority.value) == (world.admin.id, due, "high")
    bad = {**data, "owner": str(world.shopper.id), "due_on": "2026-01-01"}
    page = client.post(f"/actions/{action.id}/edit", data=bad, follow_redirects=True).text
    assert "Choose an admin or a manager" in page
    session.expire_all()
    assert session.get(CorrectiveAction, action.id).due_on.isoformat() == due  # nothing of the refused form is kept


def test_the_visit_page_links_each_answer_to_a_prefilled_action_form_that_raises_it(app, world, session):
    visit = world.approve(world.submitted_visit(PASSING))
    client = signed_in(app, world.manager)
    page = client.get(f"/visits/{visit.id}").text
    link = f"/actions/new?visit={visit.id}&amp;question=clean"
    assert link in page and page.count("Raise an action") == 5  # every question of the checklist
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200 and 'value="Fix: How clean?"' in form.text and "question “How clean?”" in form.text
    data = {
        "visit": str(visit.id),
        "question": "clean",
        "title": "Dust the shelves",
        "due_on": (date.today() + timedelta(days=5)).isoformat(),
        "priority": "normal",
        "owner": str(world.manager.id),
        "csrf_token": csrf_token(form.text),
    }
    response = client.post("/actions/new", data=data)
    assert response.status_code == 302
    action = session.scalar(select(CorrectiveAction))
    assert (action.visit_id, action.question_key, action.branch_id) == (visit.id, "clean", world.branch.id)
    bad = client.post("/actions/new", data={**data, "title": ""})
    assert bad.status_code == 422 and "Say what must be fixed." in bad.text


def test_the_csv_export_keeps_the_filters_and_cannot_run_formulas(app, world, session):
    world.action(title='=HYPERLINK("http://evil.test")')
    world.action(title="Quiet one")
    with atomic(session):
        change_status(session, world.manager, world.action(title="Closed"), "cancelled", "+1 dup")
    client = signed_in(app, world.manager)
    page = client.get("/actions/", query_string={"status": "open"}).text
    assert 'href="/actions/export.csv?status=open"' in page
    response = client.get("/actions/export.csv", query_string={"status": "open"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "status"]
    assert sorted(row[1] for row in rows[1:]) == ['\'=HYPERLINK("http://evil.test")', "Quiet one"]
    everything = client.get("/actions/export.csv").data.decode("utf-8-sig")
    assert "'+1 dup" in everything
    other = signed_in(app, world.other_manager)
    assert list(csv.reader(io.StringIO(other.get("/actions/export.csv").data.decode("utf-8-sig"))))[1:] == []


def test_an_unknown_visit_or_a_branch_out_of_scope_cannot_be_raised_from(app, world, session):
    client = signed_in(app, world.manager)
    assert client.get("/actions/new?visit=not-a-uuid").status_code == 404
    assert client.get(f"/actions/new?branch={world.other_branch.id}").status_code == 404
    assert client.get("/actions/new?branch=99999999999").status_code == 404
    assert client.get("/actions/new?visit=00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_visit_page_lists_the_actions_raised_from_it(app, world, session):
    visit = world.approve(world.submitted_visit())
    client = signed_in(app, world.manager)
    page = client.get(f"/visits/{visit.id}").text
    assert "Corrective actions from this visit (2)" in page and "Critical failure: Price matched?" in page


def test_a_manager_names_the_branch_contact_who_owns_the_next_automatic_actions(app, world, session, make):
    admin_two = make.user("admin", name="Bea Admin")
    client = signed_in(app, world.manager)
    page = client.get(f"/actions/branches/{world.branch.id}")
    assert "Branch contact: <strong>Mia Manager</strong>" in page.text
    token = csrf_token(page.text)
    refused = client.post(
        f"/actions/branches/{world.branch.id}/contact",
        data={"contact": str(world.other_manager.id), "csrf_token": token},
        follow_redirects=True,
    )
    assert "Choose an admin or a manager of the branch" in refused.text
    saved = client.post(
        f"/actions/branches/{world.branch.id}/contact", data={"contact": str(admin_two.id), "csrf_token": token}
    )
    assert saved.status_code == 302
    world.approve(world.submitted_visit())
    session.expire_all()
    assert {a.owner_id for a in session.scalars(select(CorrectiveAction))} == {admin_two.id}
    other = signed_in(app, world.other_manager)
    response = other.post(
        f"/actions/branches/{world.branch.id}/contact",
        data={"contact": "", "csrf_token": csrf_token(other.get("/actions/mine").text)},
    )
    assert response.status_code == 404
