"""Who sees what: a role x object matrix, where the queries and the per-object checks must agree."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden, NotFound

from server.extensions import db
from server.http.access import get_visible_or_404, login_required_role
from server.models import Assignment, Branch, Region, Visit, VisitStatus
from server.models.types import utcnow
from server.permissions import (
    can_manage,
    can_view_assignment,
    can_view_branch,
    can_view_region,
    can_view_visit,
    visible_assignments_query,
    visible_branches_query,
    visible_region_ids,
    visible_regions_query,
    visible_visits_query,
)
from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import bearer, new_client, web_login


def make_visit(make, *, shopper, branch, assignment=None):
    template = assignment.template if assignment else make.template()
    now = utcnow()
    visit = Visit(
        id=uuid.uuid4(),
        branch=branch,
        shopper=shopper,
        assignment=assignment,
        template_version=template.versions[0],
        status=VisitStatus.SUBMITTED,
        started_at=now,
        finished_at=now,
        earned=1,
        possible=2,
    )
    return make._save(visit)


@pytest.fixture
def world(make):
    """Two regions; in the first, one branch with one shopper's assignment and visit."""
    here, elsewhere = make.region("Here"), make.region("Elsewhere")
    branch, far_branch = make.branch(here), make.branch(elsewhere)
    shopper = make.user("shopper")
    other_shopper = make.user("shopper")
    assignment = make.assignment(shopper=shopper, branch=branch)
    visit = make_visit(make, shopper=shopper, branch=branch, assignment=assignment)
    far_assignment = make.assignment(shopper=other_shopper, branch=far_branch)
    actors = {
        "admin": make.user("admin"),
        "manager of the region": make.user("manager", regions=[here]),
        "manager of another region": make.user("manager", regions=[elsewhere]),
        "the shopper": shopper,
        "another shopper": other_shopper,
        "a deactivated admin": make.user("admin", active=False),
        "anonymous": AnonymousUserMixin(),
    }
    objects = {"region": here, "branch": branch, "visit": visit, "assignment": assignment}
    return SimpleNamespace(actors=actors, objects=objects, far_assignment=far_assignment, far_branch=far_branch)


SEES = {  # actor -> the kinds of object (all in the first region) they may see
    "admin": {"region", "branch", "visit", "assignment"},
    "manager of the region": {"region", "branch", "visit"},  # never an assignment: the schedule is confidential
    "manager of another region": set(),
    "the shopper": {"branch", "visit", "assignment"},
    "another shopper": set(),
    "a deactivated admin": set(),
    "anonymous": set(),
}
CHECKS = {
    "region": can_view_region,
    "branch": can_view_branch,
    "visit": can_view_visit,
    "assignment": can_view_assignment,
}
QUERIES = {
    "region": visible_regions_query,
    "branch": visible_branches_query,
    "visit": visible_visits_query,
    "assignment": visible_assignments_query,
}
MODELS = {"region": Region, "branch": Branch, "visit": Visit, "assignment": Assignment}


@pytest.mark.parametrize("actor", list(SEES))
@pytest.mark.parametrize("kind", list(CHECKS))
def test_each_role_sees_exactly_the_objects_it_should(world, session, actor, kind):
    user, obj = world.actors[actor], world.objects[kind]
    expected = kind in SEES[actor]
    assert CHECKS[kind](user, obj) is expected
    assert (obj in session.scalars(QUERIES[kind](user)).all()) is expected
    if expected:
        assert get_visible_or_404(MODELS[kind], obj.id, user) is obj
    else:
        with pytest.raises(NotFound):
            get_visible_or_404(MODELS[kind], obj.id, user)


def test_a_shopper_at_the_same_branch_sees_the_branch_but_not_the_other_shoppers_work(world, make):
    colleague = make.user("shopper")
    make.assignment(shopper=colleague, branch=world.objects["branch"])
    assert can_view_branch(colleague, world.objects["branch"])
    assert not can_view_visit(colleague, world.objects["visit"])
    assert not can_view_assignment(colleague, world.objects["assignment"])


def test_a_shopper_sees_the_branch_of_a_visit_made_without_an_assignment(make):
    shopper, branch = make.user("shopper"), make.branch()
    assert not can_view_branch(shopper, branch)
    make_visit(make, shopper=shopper, branch=branch)
    assert can_view_branch(shopper, branch)
    assert branch in db.session.scalars(visible_branches_query(shopper)).all()


def test_the_lists_hold_nothing_foreign(world, session):
    manager = world.actors["manager of the region"]
    assert world.far_branch not in session.scalars(visible_branches_query(manager)).all()
    assert session.scalars(visible_assignments_query(manager)).all() == []
    assert set(session.scalars(visible_region_ids(manager))) == {world.objects["region"].id}
    admin = world.actors["admin"]
    assert len(session.scalars(visible_branches_query(admin)).all()) == 2


@pytest.mark.parametrize("bad_id", [None, "", "abc", -1, 0, 2**31, 10**40, "1; DROP TABLE users", 1.5, True, "١"])
def test_ids_that_cannot_exist_answer_404_not_500(world, bad_id):
    admin = world.actors["admin"]
    for model in (Region, Branch, Visit, Assignment):
        with pytest.raises(NotFound):
            get_visible_or_404(model, bad_id, admin)


def test_a_visit_id_may_be_given_as_text(world):
    visit = world.objects["visit"]
    assert get_visible_or_404(Visit, str(visit.id), world.actors["admin"]) is visit


def test_only_active_admins_can_manage(world):
    assert [name for name, user in world.actors.items() if can_manage(user)] == ["admin"]


@pytest.fixture
def guarded_app(app):
    """The app with one admin-only page and one admin-only API endpoint, guarded by the decorator."""

    @login_required_role("admin")
    def admin_only():
        return "secret admin page"

    @login_required_role()
    def anyone():
        return "any signed-in user"

    app.add_url_rule("/test/admin-only", "admin_only_page", admin_only)
    app.add_url_rule("/api/test/admin-only", "admin_only_api", admin_only)
    app.add_url_rule("/test/anyone", "anyone_page", anyone)
    return app


def test_the_role_decorator_sends_anonymous_people_to_sign_in_and_refuses_other_roles(guarded_app, make):
    client = new_client(guarded_app)
    response = client.get("/test/admin-only")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/test/admin-only")
    web_login(client, make.user("manager").email)
    assert client.get("/test/admin-only").status_code == 403
    assert client.get("/test/anyone").text == "any signed-in user"
    admin_client = new_client(guarded_app)
    web_login(admin_client, make.user("admin").email)
    assert admin_client.get("/test/admin-only").text == "secret admin page"


def test_the_role_decorator_answers_401_and_403_in_json_on_the_api(guarded_app, make, session):
    client = new_client(guarded_app)
    response = client.get("/api/test/admin-only")
    assert response.status_code == 401 and response.is_json
    _, shopper_token = issue_token(session, make.user("shopper"), "Phone")
    session.commit()
    response = client.get("/api/test/admin-only", headers=bearer(shopper_token))
    assert response.status_code == 403 and response.json["status"] == 403
    _, admin_token = issue_token(session, make.user("admin"), "Laptop")
    session.commit()
    assert client.get("/api/test/admin-only", headers=bearer(admin_token)).text == "secret admin page"


def test_the_role_decorator_refuses_a_forbidden_role_with_403_outside_requests_too(app, make):
    from flask_login import login_user

    @login_required_role("admin", "manager")
    def view():
        return "ok"

    with app.test_request_context("/x"):
        login_user(make.user("shopper"))
        with pytest.raises(Forbidden):
            view()
