"""Mystery-shop confidentiality: one world, five roles, every interface; what each shows agrees with permissions.py,
and no manager ever learns of an open or future assignment (nor its notes) through any of them."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from server.models import Visit
from server.permissions import can_view_visit, visible_assignments_query
from server.services.org.organisation import create_assignment, create_branch
from server.services.visits.reviews import approve_visit
from tests.server.auth_helpers import bearer, new_client, web_login
from tests.server.sync.helpers import pull_all, push, token_for, visit_doc

SECRET_NOTES = "Go on Tuesday at 10:15 and ask for the duty manager"
ACTORS = ("admin", "manager of the region", "manager of another region", "the shopper", "another shopper")


@pytest.fixture
def world(client, session, make):
    """A region with a visit that happened (approved) and an open assignment due next week, with notes."""
    here, elsewhere = make.region("Here"), make.region("Elsewhere")
    branch = create_branch(session, region=here, code="HERE-1", name="Here one")
    far = create_branch(session, region=elsewhere, code="FAR-1", name="Far one")
    template = make.template()
    shopper, other = make.user("shopper"), make.user("shopper")
    today = date.today()
    done = create_assignment(
        session,
        shopper=shopper,
        branch=branch,
        template=template,
        due_from=today - timedelta(days=5),
        due_to=today - timedelta(days=1),
    )
    session.commit()
    doc = visit_doc(done)
    push(client, token_for(session, shopper), doc)
    session.expire_all()
    actors = {
        "admin": make.user("admin"),
        "manager of the region": make.user("manager", regions=[here]),
        "manager of another region": make.user("manager", regions=[elsewhere]),
        "the shopper": shopper,
        "another shopper": other,
    }
    visit = session.get(Visit, uuid.UUID(doc["id"]))
    approve_visit(session, actors["admin"], visit)
    secret = create_assignment(
        session,
        shopper=shopper,
        branch=branch,
        template=template,
        notes=SECRET_NOTES,
        due_from=today + timedelta(days=6),
        due_to=today + timedelta(days=9),
    )
    theirs = create_assignment(
        session, shopper=other, branch=far, template=template, due_from=today, due_to=today + timedelta(days=3)
    )
    session.commit()
    return {
        "actors": actors,
        "here": here,
        "branch": branch,
        "far": far,
        "visit": visit,
        "secret": secret,
        "theirs": theirs,
    }


def web_pages(world) -> list[str]:
    here, branch, visit = world["here"].id, world["branch"].id, world["visit"].id
    return [
        "/",
        "/dashboard/",
        f"/dashboard/branches/{branch}",
        f"/dashboard/regions/{here}/visits.csv",
        f"/visits/{visit}",
        "/review/",
        "/assignments/?status=open",
        f"/reports/visits/{visit}.pdf",
        f"/reports/branches/{branch}.pdf",
        f"/reports/regions/{here}.pdf",
    ]


def api_paths(world) -> list[str]:
    here, branch, visit = world["here"].id, world["branch"].id, world["visit"].id
    return [
        f"/api/v1/visits/{visit}",
        "/api/v1/scores/regions",
        f"/api/v1/scores/regions/{here}/league",
        f"/api/v1/scores/regions/{here}/trend",
        f"/api/v1/scores/branches/{branch}/sections",
        f"/api/v1/scores/branches/{branch}/questions",
        f"/api/v1/scores/branches/{branch}/critical-failures",
        f"/api/v1/scores/branches/{branch}/trend",
        f"/api/v1/reports/visits/{visit}.pdf",
        f"/api/v1/reports/regions/{here}.pdf",
        "/api/v1/me",
    ]


def readable(response) -> str:
    """What a person could read in the answer: the text of a PDF, the body of anything else."""
    if response.mimetype == "application/pdf" and response.status_code == 200:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def everything_seen(client, session, world, actor) -> dict:
    """Each interface's answers for one actor: web pages, API endpoints, and the phone's full pull."""
    user = world["actors"][actor]
    web = new_client(client.application)
    web_login(web, user.email)
    token = token_for(session, user)
    api = new_client(client.application)
    seen = {
        "web": {path: web.get(path) for path in web_pages(world)},
        "api": {path: api.get(path, headers=bearer(token)) for path in api_paths(world)},
    }
    seen["feed"], _ = pull_all(api, token)
    seen["text"] = [readable(r) for part in ("web", "api") for r in seen[part].values()] + [repr(seen["feed"])]
    return seen


@pytest.mark.parametrize("actor", ACTORS)
def test_every_interface_shows_each_role_what_the_permission_rule_allows(client, session, world, actor):
    user, secret, visit = world["actors"][actor], world["secret"], world["visit"]
    seen = everything_seen(client, session, world, actor)
    may_see_visit = can_view_visit(user, visit)
    assert (seen["api"][f"/api/v1/visits/{visit.id}"].status_code == 200) is may_see_visit
    if user.role.value != "shopper":  # the web visit page and the scores are for admins and managers
        assert (seen["web"][f"/visits/{visit.id}"].status_code == 200) is may_see_visit
        assert (seen["api"][f"/api/v1/scores/regions/{world['here'].id}/league"].status_code == 200) is may_see_visit
    live = {str(a.id) for a in session.scalars(visible_assignments_query(user)) if a.status.value == "open"}
    fed = {c["id"] for c in seen["feed"] if c["entity"] == "assignment"}
    assert fed == live  # the phone holds exactly the open work the rule lets this user see
    shown_on_web = {
        a_id
        for a_id in (str(secret.id), str(world["theirs"].id))
        if a_id in seen["web"]["/assignments/?status=open"].get_data(as_text=True)
    }
    if user.role.value == "admin":
        assert shown_on_web == live
    if user.role.value == "shopper":
        home = seen["web"]["/"].get_data(as_text=True)
        assert {a.branch.code for a in (secret, world["theirs"]) if str(a.id) in live} == {
            code for code in ("HERE-1", "FAR-1") if code in home
        }
    fed_branches = {int(c["id"]) for c in seen["feed"] if c["entity"] == "branch"}
    if user.role.value == "manager":
        assert fed_branches == {b.id for b in (world["branch"], world["far"]) if b.region in user.regions}


@pytest.mark.parametrize("actor", ["manager of the region", "manager of another region"])
def test_no_manager_learns_of_an_open_or_future_assignment_through_any_interface(client, session, world, actor):
    seen = everything_seen(client, session, world, actor)
    assert not [c for c in seen["feed"] if c["entity"] in ("assignment", "visit")]
    for text in seen["text"]:
        assert SECRET_NOTES not in text and str(world["secret"].id) not in text
        assert str(world["theirs"].id) not in text
    if actor == "manager of the region":  # the visit that happened is theirs to read, on every interface
        assert seen["web"][f"/visits/{world['visit'].id}"].status_code == 200
        assert seen["api"][f"/api/v1/reports/visits/{world['visit'].id}.pdf"].status_code == 200
