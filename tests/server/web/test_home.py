"""The start page shows each role its own data, and nothing of anyone else's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.models import AssignmentStatus
from tests.server.auth_helpers import web_login


@pytest.fixture
def org(make):
    """Two regions with branches, a manager each, two shoppers with assignments, two templates."""
    north, south = make.region("North Region", "NOR"), make.region("South Region", "SOU")
    n1 = make.branch(north, code="N-001", name="Northgate Mall")
    n2 = make.branch(north, code="N-002", name="Harbour Street")
    s1 = make.branch(south, code="S-001", name="Southside Plaza")
    service = make.template()
    service.name = "Customer service audit"
    hygiene = make.template()
    hygiene.name = "Hygiene inspection"
    make.session.commit()
    ann, bob = make.user("shopper", name="Ann Shopper"), make.user("shopper", name="Bob Shopper")
    make.assignment(shopper=ann, branch=n1, template=service)
    done = make.assignment(shopper=ann, branch=n2, template=service)
    done.status = AssignmentStatus.DONE
    make.assignment(shopper=bob, branch=s1, template=hygiene)
    make.session.commit()
    return {
        "north_manager": make.user("manager", regions=[north], name="Nora Manager"),
        "south_manager": make.user("manager", regions=[south], name="Sam Manager"),
        "admin": make.user("admin", name="Ada Admin"),
        "ann": ann,
        "bob": bob,
    }


def home_as(client, user):
    web_login(client, user.email)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def test_an_admin_sees_regions_with_branch_counts_users_by_role_and_templates(client, org):
    page = home_as(client, org["admin"])
    assert "North Region" in page and "South Region" in page
    assert '<td class="num">2</td>' in page and '<td class="num">1</td>' in page
    assert "active shoppers" in page and "active managers" in page
    assert "Customer service audit" in page and "Hygiene inspection" in page


def test_a_manager_sees_their_regions_branches_with_addresses_and_nothing_else(client, org):
    page = home_as(client, org["north_manager"])
    assert "North Region" in page
    assert "N-001" in page and "Northgate Mall" in page and "High Street" in page
    assert "N-002" in page and "Harbour Street" in page
    assert "South Region" not in page and "S-001" not in page and "Southside Plaza" not in page


def test_another_manager_sees_only_their_own_region(client, org):
    page = home_as(client, org["south_manager"])
    assert "Southside Plaza" in page
    assert "Northgate Mall" not in page and "North Region" not in page


def test_a_manager_without_regions_is_told_so(client, make):
    page = home_as(client, make.user("manager"))
    assert "not assigned to any region" in page


def test_a_shopper_sees_their_open_assignments_with_due_window_and_checklist(client, org):
    page = home_as(client, org["ann"])
    assert "Northgate Mall" in page and "N-001" in page
    assert "Customer service audit" in page
    assert date.today().strftime("%d %b %Y") in page
    assert (date.today() + timedelta(days=7)).strftime("%d %b %Y") in page
    assert "Harbour Street" not in page, "a finished assignment is not open"
    assert "Southside Plaza" not in page and "Hygiene inspection" not in page, "another shopper's work"


def test_a_shopper_with_nothing_open_is_told_so(client, make):
    page = home_as(client, make.user("shopper"))
    assert "No open assignments" in page


def test_an_overdue_assignment_is_marked(client, make):
    shopper = make.user("shopper")
    assignment = make.assignment(shopper=shopper)
    assignment.due_from = date.today() - timedelta(days=10)
    assignment.due_to = date.today() - timedelta(days=3)
    make.session.commit()
    assert "overdue" in home_as(client, shopper)


def test_user_text_is_escaped_on_the_page(client, make):
    region = make.region("<script>alert(1)</script>")
    manager = make.user("manager", regions=[region], name="<b>Mallory</b>")
    page = home_as(client, manager)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>Mallory</b>" not in page


def test_the_top_bar_shows_who_is_signed_in_and_a_sign_out_button(client, org):
    page = home_as(client, org["north_manager"])
    assert "Nora Manager · manager" in page
    assert 'action="/logout"' in page
